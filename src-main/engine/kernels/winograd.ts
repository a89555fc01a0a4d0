/**
 * 3×3 stride-1 'same' convolutions and their filter gradient with Winograd F(4×4, 3×3) on our
 * wasm SIMD module (native/winograd.c): 2.25 multiply-adds per output instead of 9. Tensors are
 * read and written in place on the backend's heap (byte offsets below). Layers whose transformed
 * filter is small (the large, shallow ones) run fused: each thread transforms a block of tiles,
 * multiplies and transforms back while the block is in cache. The others run as whole passes:
 * input transform, 36 channel GEMMs split between threads, output transform.
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

/** True when the channel counts suit the kernels (4 inputs and 8 outputs per SIMD step). */
export function winogradFits(cin: number, cout: number): boolean {
  return cin % 4 === 0 && cout % 8 === 0
}

function tileGrid(s: WinogradShape): { th: number; tw: number } {
  return { th: Math.ceil(s.h / 4), tw: Math.ceil(s.w / 4) }
}

const tilesPadded = (tiles: number): number => Math.ceil(tiles / 4) * 4

/** Tiles per block of the fused path (a multiple of 4). */
function tilesPerBlock(s: WinogradShape): number {
  const perTile = 36 * (s.cin + s.cout) * 4
  return Math.max(4, Math.floor(winogradOptions.blockBytes / perTile / 4) * 4)
}

/** Images per whole-pass call so its transformed tiles stay under `maxFloats`. */
function imagesPerCall(s: WinogradShape): number {
  const { th, tw } = tileGrid(s)
  const perImage = 36 * (th * tw + 4) * (s.cin + s.cout)
  return Math.max(1, Math.min(s.n, Math.floor(winogradOptions.maxFloats / perImage)))
}

/** Smallest range per thread when one unit of the range costs `work`. */
const grain = (work: number): number => Math.max(1, Math.ceil(winogradOptions.minPartWork / work))

/** Floats of a transformed filter: 36 planes of cin × cout. */
export function transformedFilterFloats(cin: number, cout: number): number {
  return 36 * cin * cout
}

/**
 * Writes the transformed filter U (packed for the GEMMs) at byte offset `u`. `g` is HWIO
 * [3, 3, cin, cout]; with `flip` it is the filter of the convolution whose input gradient this
 * is, [3, 3, cout, cin], used rotated and transposed.
 */
export function winogradFilter(
  n: Native,
  cin: number,
  cout: number,
  g: number,
  flip: boolean,
  u: number
): void {
  if (!flip) {
    runSplit(n, 'wino_filter', [g, u, cin, cout], cin, 1, grain(200 * cout))
    return
  }
  withScratch(n, 9 * cin * cout * 4, (flipped) => {
    runSplit(n, 'wino_flip', [g, flipped, cout, cin], cin, 1, grain(20 * cout))
    runSplit(n, 'wino_filter', [flipped, u, cin, cout], cin, 1, grain(200 * cout))
  })
}

/** How one call runs: tile grid, tiles per fused block, images per pass and scratch floats. */
function plan(n: Native, s: WinogradShape, fused: boolean) {
  const { th, tw } = tileGrid(s)
  const tb = tilesPerBlock(s)
  const batch = fused ? s.n : imagesPerCall(s)
  const tiles = (count: number): number => count * th * tw
  const scratch = fused
    ? threadCount(n) * 36 * tb * (s.cin + s.cout)
    : 36 * tilesPadded(tiles(batch)) * (s.cin + s.cout)
  /** Flops of one tile (fused) and of one of the 36 GEMMs over `rows` tiles. */
  const perTile = 72 * s.cin * s.cout
  const perXi = (rows: number): number => 2 * rows * s.cin * s.cout
  return { th, tw, tb, batch, tiles, scratch, perTile, perXi }
}

/** Input transform of `tpad` tiles of NHWC `x` (`count` images) into V at `v`. */
function inputTransform(
  n: Native,
  s: WinogradShape,
  x: number,
  v: number,
  count: number,
  tpad: number
): void {
  const { th, tw } = tileGrid(s)
  const args = [x, v, count, s.h, s.w, s.cin, th, tw, tpad]
  runSplit(n, 'wino_input', args, tpad, 4, grain(200 * s.cin))
}

/**
 * y = conv(x, g) (+ bias, ReLU); all arguments are byte offsets of NHWC tensors on the heap
 * (`bias` 0 for none). `g` and `flip` as in `winogradFilter`; or `g` is already transformed when
 * `transformed` is set.
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
  const planes = transformedFilterFloats(s.cin, s.cout)
  const fused = planes * 4 <= winogradOptions.fusedMaxBytes
  const { th, tw, tb, batch, tiles, scratch, perTile, perXi } = plan(n, s, fused)
  const ownFilter = transformed ? 0 : planes
  withScratch(n, (ownFilter + scratch) * 4, (mem) => {
    const u = transformed ? g : mem
    if (!transformed) winogradFilter(n, s.cin, s.cout, g, flip, u)
    const work = mem + ownFilter * 4
    const post = [bias, relu ? 1 : 0]
    const { kc, nc } = winogradOptions
    for (let first = 0; first < s.n; first += batch) {
      const count = Math.min(batch, s.n - first)
      const xs = x + first * s.h * s.w * s.cin * 4
      const ys = y + first * s.h * s.w * s.cout * 4
      const geometry = [count, s.h, s.w]
      if (fused) {
        const args = [xs, u, ys, ...post, ...geometry, s.cin, s.cout, th, tw, tb, kc, nc, work]
        runSplit(n, 'wino_fused', args, tiles(count), 4, grain(perTile))
        continue
      }
      const tpad = tilesPadded(tiles(count))
      const m = work + 36 * tpad * s.cin * 4
      inputTransform(n, s, xs, work, count, tpad)
      runSplit(n, 'wino_gemm', [work, u, m, tpad, s.cin, s.cout, kc, nc], 36, 1, grain(perXi(tpad)))
      runSplit(
        n,
        'wino_output',
        [m, ys, ...post, ...geometry, s.cout, th, tw, tpad],
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
  const planes = transformedFilterFloats(s.cin, s.cout)
  const parts = threadCount(n)
  const fused = planes * 4 * parts <= winogradOptions.fusedMaxBytes
  const sums = fused ? parts : 1
  const { th, tw, tb, batch, tiles, scratch, perTile, perXi } = plan(n, s, fused)
  withScratch(n, (sums * planes + scratch) * 4, (du) => {
    const work = du + sums * planes * 4
    const { mc, gradNc, kt } = winogradOptions
    runSplit(n, 'wino_zero', [du], sums * planes, 4, grain(1))
    for (let first = 0; first < s.n; first += batch) {
      const count = Math.min(batch, s.n - first)
      const xs = x + first * s.h * s.w * s.cin * 4
      const ds = dy + first * s.h * s.w * s.cout * 4
      const geometry = [count, s.h, s.w]
      if (fused) {
        const args = [xs, ds, du, ...geometry, s.cin, s.cout, th, tw, tb, mc, gradNc, work]
        runSplit(n, 'wino_fused_grad', args, tiles(count), 1, grain(perTile))
        continue
      }
      const tpad = tilesPadded(tiles(count))
      const q = work + 36 * tpad * s.cin * 4
      inputTransform(n, s, xs, work, count, tpad)
      runSplit(
        n,
        'wino_dy',
        [ds, q, ...geometry, s.cout, th, tw, tpad],
        tpad,
        4,
        grain(200 * s.cout)
      )
      runSplit(
        n,
        'wino_grad_gemm',
        [work, q, du, tpad, s.cin, s.cout, mc, gradNc, kt],
        36,
        1,
        grain(perXi(tpad))
      )
    }
    runSplit(
      n,
      'wino_filter_grad_out',
      [du, sums, dw, s.cin, s.cout],
      s.cin,
      1,
      grain(200 * s.cout)
    )
  })
}
