/**
 * 3×3 stride-1 'same' convolutions and their filter gradient with Winograd F(4×4, 3×3) or
 * F(6×6, 3×3) on our wasm SIMD module (native/winograd.c): 2.25 or 1.78 multiply-adds per output
 * instead of 9 (F(6×6) where image sizes suit its tiles, see `winogradTile`). Tensors are
 * read and written in place on the backend's heap (byte offsets below). Layers whose transformed
 * filter is small (the large, shallow ones) run fused: each thread transforms a block of tiles,
 * multiplies and transforms back while the block is in cache. The others run as whole passes:
 * input transform, (m + 2)² channel GEMMs split between threads, output transform.
 */
import { runSplit, threadCount, withScratch, type Native } from './native-module'

/** NHWC sizes of a 3×3 'same' convolution with `cin` inputs and `cout` outputs per pixel. */
export interface WinogradShape {
  n: number
  h: number
  w: number
  cin: number
  cout: number
}

/** Tunables: cache blocks of the GEMMs, the fused path and the scratch limit (tests shrink them). */
export const winogradOptions = {
  /** Off: every convolution takes the XNNPACK / shifted-GEMM paths (for comparisons). */
  enabled: true,
  /** Output tile side: 'auto' as `winogradTile` decides, or always 4 or 6 (tests, comparisons). */
  tile: 'auto' as 'auto' | WinogradTile,
  /** Input channels and outputs per block of the forward GEMM. */
  kc: 128,
  nc: 128,
  /** Input channels, outputs and tiles per block of the gradient GEMM. */
  mc: 64,
  gradNc: 64,
  kt: 256,
  /** Most floats the transformed tiles of one whole-pass call may take (256 MiB). */
  maxFloats: 64 * 1024 * 1024,
  /** Fused while the transformed filter (per thread, for gradients) takes at most this. */
  fusedMaxBytes: 2 * 1024 * 1024,
  /** Bytes of one block's transformed tiles in the fused path. */
  blockBytes: 256 * 1024,
  /** Least work (flops or element operations) worth waking a helper thread for (≈ 0.1 ms). */
  minPartWork: 2e6
}

/**
 * True when the channel counts suit the kernels: 8 outputs per SIMD step; inputs 4 per step, or
 * (`padInputs`: the forward convolution and the filter gradient) any count, the input copied
 * with zero channels up to a multiple of 4 (a first layer's 1 or 3 image channels).
 */
export function winogradFits(cin: number, cout: number, padInputs = false): boolean {
  return (padInputs || cin % 4 === 0) && cout % 8 === 0
}

/** Channels rounded up to a multiple of 4, the SIMD width of the transforms. */
const paddedChannels = (c: number): number => Math.ceil(c / 4) * 4

/**
 * Runs `body` on copies of NHWC `x` (and of HWIO filter `g` unless it is 0) whose input channels
 * are padded with zeros to a multiple of 4, with the shape it then has.
 */
function withPaddedInputs(
  n: Native,
  s: WinogradShape,
  x: number,
  g: number,
  body: (s4: WinogradShape, x4: number, g4: number) => void
): void {
  const cin4 = paddedChannels(s.cin)
  const pixels = s.n * s.h * s.w
  const filterFloats = g ? 9 * cin4 * s.cout : 0
  withScratch(n, (pixels * cin4 + filterFloats) * 4, (x4) => {
    runSplit(n, 'wino_pad_rows', [x, x4, s.cin, cin4], pixels, 1, grain(cin4))
    const g4 = g ? x4 + pixels * cin4 * 4 : 0
    if (g) runSplit(n, 'wino_pad_rows', [g, g4, s.cin * s.cout, cin4 * s.cout], 9)
    body({ ...s, cin: cin4 }, x4, g4)
  })
}

/** Output tile side m of F(m×m, 3×3); its input tiles are (m + 2)² and so are its GEMMs. */
export type WinogradTile = 4 | 6

/**
 * The tile for a convolution of shape `s`: F(6×6) where its estimated work is at least 10 % less
 * than F(4×4)'s, else F(4×4), whose float32 rounding error is about half. Work per plane (there
 * are (m + 2)² planes): the GEMM over the tiles covering the images (cin × cout multiply-adds per
 * tile), the tiles' transforms (≈ 16 multiply-adds' time per value in and out), and the
 * transformed filter, made and read once per call (≈ 24 tiles' GEMM; 8 when it was `kept` from an
 * earlier call, read only). F(6×6) wins on 96² to 24² images (tiles that fit them, many tiles per
 * plane), F(4×4) on sizes near multiples of 4 (8², 16²) and where few tiles share a large filter
 * (6² and 12² at batch 8).
 */
export function winogradTile(s: WinogradShape, kept = false): WinogradTile {
  if (winogradOptions.tile !== 'auto') return winogradOptions.tile
  const filterWork = (kept ? 8 : 24) * s.cin * s.cout
  const work = (m: number): number => {
    const tiles = s.n * Math.ceil(s.h / m) * Math.ceil(s.w / m)
    return (m + 2) ** 2 * (tiles * (s.cin * s.cout + 16 * (s.cin + s.cout)) + filterWork)
  }
  return work(6) <= 0.9 * work(4) ? 6 : 4
}

/** (m + 2)²: input tile values, transformed filter planes and GEMMs of F(m×m, 3×3). */
const planesOf = (m: WinogradTile): number => (m + 2) ** 2

/**
 * Floats between two planes of `floats` values (as native/winograd.c's pad_plane): an odd number
 * of 64-byte lines, so a tile's planes do not all fall in the same L1 set.
 */
const padPlane = (floats: number): number => (Math.ceil(floats / 16) | 1) * 16

function tileGrid(s: WinogradShape, m: WinogradTile): { th: number; tw: number } {
  return { th: Math.ceil(s.h / m), tw: Math.ceil(s.w / m) }
}

const tilesPadded = (tiles: number): number => Math.ceil(tiles / 4) * 4

/** Tiles per block of the fused path (a multiple of 4). */
function tilesPerBlock(s: WinogradShape, m: WinogradTile): number {
  const perTile = planesOf(m) * (s.cin + s.cout) * 4
  return Math.max(4, Math.floor(winogradOptions.blockBytes / perTile / 4) * 4)
}

/** Floats of the transformed tiles of `rows` tiles: input and output (or output-gradient) side. */
function tileFloats(s: WinogradShape, m: WinogradTile, rows: number): [number, number] {
  return [planesOf(m) * padPlane(rows * s.cin), planesOf(m) * padPlane(rows * s.cout)]
}

/** Images per whole-pass call so its transformed tiles stay under `maxFloats`. */
function imagesPerCall(s: WinogradShape, m: WinogradTile): number {
  const { th, tw } = tileGrid(s, m)
  const perImage = planesOf(m) * (th * tw + 4) * (s.cin + s.cout)
  return Math.max(1, Math.min(s.n, Math.floor(winogradOptions.maxFloats / perImage)))
}

/** Smallest range per thread when one unit of the range costs `work`. */
const grain = (work: number): number => Math.max(1, Math.ceil(winogradOptions.minPartWork / work))

/** Floats of a transformed filter: (m + 2)² planes of cin × cout (padded, see `padPlane`). */
export function transformedFilterFloats(cin: number, cout: number, m: WinogradTile): number {
  return planesOf(m) * padPlane(cin * cout)
}

/**
 * Writes the transformed filter U of F(m×m) (packed for the GEMMs) at byte offset `u`. `g` is
 * HWIO [3, 3, cin, cout]; with `flip` it is the filter of the convolution whose input gradient
 * this is, [3, 3, cout, cin], used rotated and transposed.
 */
export function winogradFilter(
  n: Native,
  cin: number,
  cout: number,
  g: number,
  flip: boolean,
  u: number,
  m: WinogradTile
): void {
  if (!flip) {
    runSplit(n, 'wino_filter', [g, u, cin, cout, m], cin, 1, grain(200 * cout))
    return
  }
  withScratch(n, 9 * cin * cout * 4, (flipped) => {
    runSplit(n, 'wino_flip', [g, flipped, cout, cin], cin, 1, grain(20 * cout))
    runSplit(n, 'wino_filter', [flipped, u, cin, cout, m], cin, 1, grain(200 * cout))
  })
}

/** How one call runs: tile grid, tiles per fused block, images per pass and scratch floats. */
function plan(n: Native, s: WinogradShape, fused: boolean, m: WinogradTile) {
  const { th, tw } = tileGrid(s, m)
  const planes = planesOf(m)
  const tb = tilesPerBlock(s, m)
  const batch = fused ? s.n : imagesPerCall(s, m)
  const tiles = (count: number): number => count * th * tw
  const sum = ([a, b]: [number, number]): number => a + b
  const scratch = fused
    ? threadCount(n) * sum(tileFloats(s, m, tb))
    : sum(tileFloats(s, m, tilesPadded(tiles(batch))))
  /** Flops of one tile (fused) and of one of the GEMMs over `rows` tiles. */
  const perTile = 2 * planes * s.cin * s.cout
  const perXi = (rows: number): number => 2 * rows * s.cin * s.cout
  return { th, tw, planes, tb, batch, tiles, scratch, perTile, perXi }
}

/** Input transform of `tpad` tiles of NHWC `x` (`count` images) into V at `v`. */
function inputTransform(
  n: Native,
  s: WinogradShape,
  x: number,
  v: number,
  count: number,
  tpad: number,
  m: WinogradTile
): void {
  const { th, tw } = tileGrid(s, m)
  const args = [x, v, count, s.h, s.w, s.cin, th, tw, tpad, m]
  runSplit(n, 'wino_input', args, tpad, 4, grain(200 * s.cin))
}

/**
 * y = conv(x, g) (+ bias, ReLU); all arguments are byte offsets of NHWC tensors on the heap
 * (`bias` 0 for none). `g` and `flip` as in `winogradFilter`; or `g` is already transformed for
 * this shape's tile (`winogradTile(s, true)`) when `transformed` is set.
 */
export function winogradConv(
  n: Native,
  s: WinogradShape,
  x: number,
  g: number,
  bias: number,
  relu: boolean,
  flip: boolean,
  y: number,
  transformed = false
): void {
  if (s.cin % 4 !== 0) {
    if (flip || transformed) throw new Error('Winograd: padded inputs need a plain filter')
    withPaddedInputs(n, s, x, g, (s4, x4, g4) => winogradConv(n, s4, x4, g4, bias, relu, false, y))
    return
  }
  const m = winogradTile(s, transformed)
  const filterFloats = transformedFilterFloats(s.cin, s.cout, m)
  const fused = filterFloats * 4 <= winogradOptions.fusedMaxBytes
  const { th, tw, planes, tb, batch, tiles, scratch, perTile, perXi } = plan(n, s, fused, m)
  const ownFilter = transformed ? 0 : filterFloats
  withScratch(n, (ownFilter + scratch) * 4, (mem) => {
    const u = transformed ? g : mem
    if (!transformed) winogradFilter(n, s.cin, s.cout, g, flip, u, m)
    const work = mem + ownFilter * 4
    const post = [bias, relu ? 1 : 0]
    const { kc, nc } = winogradOptions
    for (let first = 0; first < s.n; first += batch) {
      const count = Math.min(batch, s.n - first)
      const xs = x + first * s.h * s.w * s.cin * 4
      const ys = y + first * s.h * s.w * s.cout * 4
      const geometry = [count, s.h, s.w]
      if (fused) {
        const args = [xs, u, ys, ...post, ...geometry, s.cin, s.cout, th, tw, tb, kc, nc, work, m]
        runSplit(n, 'wino_fused', args, tiles(count), 4, grain(perTile))
        continue
      }
      const tpad = tilesPadded(tiles(count))
      const mm = work + tileFloats(s, m, tpad)[0] * 4
      inputTransform(n, s, xs, work, count, tpad, m)
      const gemm = [work, u, mm, tpad, s.cin, s.cout, kc, nc]
      runSplit(n, 'wino_gemm', gemm, planes, 1, grain(perXi(tpad)))
      runSplit(
        n,
        'wino_output',
        [mm, ys, ...post, ...geometry, s.cout, th, tw, tpad, m],
        tiles(count),
        1,
        grain(200 * s.cout)
      )
    }
  })
}

/**
 * dW [3, 3, cin, cout] (HWIO, written at byte offset `dw`) of a 3×3 'same' convolution from its
 * NHWC input `x` and output gradient `dy` (byte offsets on the heap).
 */
export function winogradFilterGrad(
  n: Native,
  s: WinogradShape,
  x: number,
  dy: number,
  dw: number
): void {
  if (s.cin % 4 !== 0) {
    withPaddedInputs(n, s, x, 0, (s4, x4) => {
      withScratch(n, 9 * s4.cin * s.cout * 4, (dw4) => {
        winogradFilterGrad(n, s4, x4, dy, dw4)
        runSplit(n, 'wino_crop_rows', [dw4, dw, s4.cin * s.cout, s.cin * s.cout], 9)
      })
    })
    return
  }
  const m = winogradTile(s)
  const filterFloats = transformedFilterFloats(s.cin, s.cout, m)
  const parts = threadCount(n)
  const fused = filterFloats * 4 * parts <= winogradOptions.fusedMaxBytes
  const sums = fused ? parts : 1
  const { th, tw, planes, tb, batch, tiles, scratch, perTile, perXi } = plan(n, s, fused, m)
  withScratch(n, (sums * filterFloats + scratch) * 4, (du) => {
    const work = du + sums * filterFloats * 4
    const { mc, gradNc, kt } = winogradOptions
    runSplit(n, 'wino_zero', [du], sums * filterFloats, 4, grain(1))
    for (let first = 0; first < s.n; first += batch) {
      const count = Math.min(batch, s.n - first)
      const xs = x + first * s.h * s.w * s.cin * 4
      const ds = dy + first * s.h * s.w * s.cout * 4
      const geometry = [count, s.h, s.w]
      if (fused) {
        const args = [xs, ds, du, ...geometry, s.cin, s.cout, th, tw, tb, mc, gradNc, work, m]
        runSplit(n, 'wino_fused_grad', args, tiles(count), 1, grain(perTile))
        continue
      }
      const tpad = tilesPadded(tiles(count))
      const q = work + tileFloats(s, m, tpad)[0] * 4
      inputTransform(n, s, xs, work, count, tpad, m)
      runSplit(
        n,
        'wino_dy',
        [ds, q, ...geometry, s.cout, th, tw, tpad, m],
        tpad,
        4,
        grain(200 * s.cout)
      )
      runSplit(
        n,
        'wino_grad_gemm',
        [work, q, du, tpad, s.cin, s.cout, mc, gradNc, kt],
        planes,
        1,
        grain(perXi(tpad))
      )
    }
    runSplit(
      n,
      'wino_filter_grad_out',
      [du, sums, dw, s.cin, s.cout, m],
      s.cin,
      1,
      grain(200 * s.cout)
    )
  })
}
