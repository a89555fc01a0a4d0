/**
 * 3×3 stride-1 'same' convolutions and their filter gradient with Winograd F(4×4, 3×3) on our
 * wasm SIMD module (native/winograd.c): 2.25 multiply-adds per output instead of 9. Operands are
 * copied into the module's memory in chunks of whole images, transformed, multiplied as 36
 * channel GEMMs (split between threads) and transformed back.
 */
import { BASE, ensureBytes, floats, runSplit, type Native } from './native-module'

/** NHWC sizes of a 3×3 'same' convolution with `cin` inputs and `cout` outputs per pixel. */
export interface WinogradShape {
  n: number
  h: number
  w: number
  cin: number
  cout: number
}

/** Tunables: cache blocks of the GEMMs and the scratch limit (tests shrink both). */
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
  /** Most floats the per-image buffers of one call may take (256 MiB). */
  maxFloats: 64 * 1024 * 1024
}

/** True when the channel counts suit the kernels (4 inputs and 8 outputs per SIMD step). */
export function winogradFits(cin: number, cout: number): boolean {
  return cin % 4 === 0 && cout % 8 === 0
}

function tileGrid(s: WinogradShape): { th: number; tw: number } {
  return { th: Math.ceil(s.h / 4), tw: Math.ceil(s.w / 4) }
}

const tilesPadded = (tiles: number): number => Math.ceil(tiles / 4) * 4

function imagesPerCall(s: WinogradShape, perImage: number): number {
  return Math.max(1, Math.min(s.n, Math.floor(winogradOptions.maxFloats / perImage)))
}

/**
 * y = conv(x, g) (+ bias, ReLU) for NHWC `x` at `x0` into NHWC `y` at `y0` (float indices into
 * the given arrays). `g` at `g0` is HWIO [3, 3, cin, cout]; with `flip` it is the filter of the
 * convolution whose input gradient this is, [3, 3, cout, cin], used rotated and transposed.
 */
export function winogradConv(
  n: Native,
  s: WinogradShape,
  x: Float32Array,
  x0: number,
  g: Float32Array,
  g0: number,
  bias: Float32Array | null,
  b0: number,
  relu: boolean,
  flip: boolean,
  y: Float32Array,
  y0: number
): void {
  const { th, tw } = tileGrid(s)
  const taps = 9 * s.cin * s.cout
  const perImage = s.h * s.w * (s.cin + s.cout) + 36 * th * tw * (s.cin + s.cout)
  const batch = imagesPerCall(s, perImage)
  const fixed = 2 * taps + 36 * s.cin * s.cout + s.cout + 4 * 36 * (s.cin + s.cout)
  ensureBytes(n, (fixed + batch * perImage) * 4)
  const gIn = BASE / 4
  const gUse = gIn + taps
  const u = gUse + taps
  const b = u + 36 * s.cin * s.cout
  const xs = b + s.cout
  let f = floats(n)
  f.set(g.subarray(g0, g0 + taps), gIn)
  if (flip) runSplit(n, 'wino_flip', [gIn * 4, gUse * 4, s.cout, s.cin], s.cin)
  const filterAt = flip ? gUse : gIn
  runSplit(n, 'wino_filter', [filterAt * 4, u * 4, s.cin, s.cout], s.cin)
  if (bias) f.set(bias.subarray(b0, b0 + s.cout), b)
  for (let first = 0; first < s.n; first += batch) {
    const count = Math.min(batch, s.n - first)
    const tiles = count * th * tw
    const tpad = tilesPadded(tiles)
    const v = xs + count * s.h * s.w * s.cin
    const m = v + 36 * tpad * s.cin
    const ys = m + 36 * tpad * s.cout
    const pixels = s.h * s.w
    f = floats(n)
    f.set(x.subarray(x0 + first * pixels * s.cin, x0 + (first + count) * pixels * s.cin), xs)
    const geometry = [count, s.h, s.w]
    runSplit(n, 'wino_input', [xs * 4, v * 4, ...geometry, s.cin, th, tw, tpad], tpad, 4)
    const { kc, nc } = winogradOptions
    runSplit(n, 'wino_gemm', [v * 4, u * 4, m * 4, tpad, s.cin, s.cout, kc, nc], 36)
    const out = [m * 4, ys * 4, bias ? b * 4 : 0, relu ? 1 : 0, ...geometry, s.cout, th, tw, tpad]
    runSplit(n, 'wino_output', out, tiles)
    f = floats(n)
    y.set(f.subarray(ys, ys + count * pixels * s.cout), y0 + first * pixels * s.cout)
  }
}

/**
 * dW [3, 3, cin, cout] (HWIO, written to `dw` at `w0`) of a 3×3 'same' convolution from its NHWC
 * input `x` and output gradient `dy`.
 */
export function winogradFilterGrad(
  n: Native,
  s: WinogradShape,
  x: Float32Array,
  x0: number,
  dy: Float32Array,
  d0: number,
  dw: Float32Array,
  w0: number
): void {
  const { th, tw } = tileGrid(s)
  const perImage = s.h * s.w * (s.cin + s.cout) + 36 * th * tw * (s.cin + s.cout)
  const batch = imagesPerCall(s, perImage)
  const planes = 36 * s.cin * s.cout
  const fixed = planes + 9 * s.cin * s.cout + 4 * 36 * (s.cin + s.cout)
  ensureBytes(n, (fixed + batch * perImage) * 4)
  const du = BASE / 4
  const out = du + planes
  const xs = out + 9 * s.cin * s.cout
  let f = floats(n)
  f.fill(0, du, du + planes)
  const pixels = s.h * s.w
  for (let first = 0; first < s.n; first += batch) {
    const count = Math.min(batch, s.n - first)
    const tpad = tilesPadded(count * th * tw)
    const ds = xs + count * pixels * s.cin
    const v = ds + count * pixels * s.cout
    const q = v + 36 * tpad * s.cin
    f = floats(n)
    f.set(x.subarray(x0 + first * pixels * s.cin, x0 + (first + count) * pixels * s.cin), xs)
    f.set(dy.subarray(d0 + first * pixels * s.cout, d0 + (first + count) * pixels * s.cout), ds)
    const geometry = [count, s.h, s.w]
    runSplit(n, 'wino_input', [xs * 4, v * 4, ...geometry, s.cin, th, tw, tpad], tpad, 4)
    runSplit(n, 'wino_dy', [ds * 4, q * 4, ...geometry, s.cout, th, tw, tpad], tpad, 4)
    const { mc, gradNc, kt } = winogradOptions
    const args = [v * 4, q * 4, du * 4, tpad, s.cin, s.cout, mc, gradNc, kt]
    runSplit(n, 'wino_grad_gemm', args, 36)
  }
  runSplit(n, 'wino_filter_grad_out', [du * 4, out * 4, s.cin, s.cout], s.cin)
  f = floats(n)
  dw.set(f.subarray(out, out + 9 * s.cin * s.cout), w0)
}
