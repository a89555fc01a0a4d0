/**
 * Stride-1 filter gradient on our own small wasm SIMD module (native/filter-grad.c): the input and
 * dy are copied row by row onto a zero-padded grid in scratch memory (no transposes), and a
 * cache-blocked 4x8 outer-product kernel sums every filter tap, input channels split between the
 * caller and helper threads sharing the module's memory. XNNPACK's GEMM, built for long
 * rows and short reductions, runs this reduction-shaped product 3-4x slower.
 */
import type { ConvGeometry } from './im2col'
import { runSplit, withScratch, type Native } from './native-module'
import { shiftGrid } from './shift-layout'

/** Cache blocking: input channels, output channels and grid cells per block. */
export const nativeBlocking = { mc: 64, nc: 64, kc: 256 }

/** Images per call so the module's buffers stay under `maxFloats`. */
export function imagesPerCall(
  g: ConvGeometry,
  cout: number,
  batch: number,
  maxFloats: number
): number {
  const one = shiftGrid(g, 1)
  const perImage = one.cells * (g.inChannels + cout)
  const fixed = one.maxOffset * g.inChannels + g.filterHeight * g.filterWidth * g.inChannels * cout
  return Math.max(1, Math.min(batch, Math.floor((maxFloats - fixed) / perImage)))
}

/**
 * dW for images `[first, first + count)` of NHWC `x` / `dy` on the heap (float indices), added
 * into the heap at `outBase` (taps x cin x cout floats). `heapOf` gives the current heap.
 */
export function nativeShiftFilterGrad(
  n: Native,
  heapOf: () => Float32Array,
  xBase: number,
  dyBase: number,
  g: ConvGeometry,
  cout: number,
  first: number,
  count: number,
  outBase: number
): void {
  const cin = g.inChannels
  const grid = shiftGrid(g, count)
  const taps = g.filterHeight * g.filterWidth
  const xFloats = (grid.cells + grid.maxOffset) * cin
  const dFloats = grid.cells * cout
  const cFloats = taps * cin * cout
  withScratch(n, (xFloats + dFloats + cFloats + taps) * 4, (ptr) => {
    const f = heapOf()
    const [x, dy, out] = [f, f, f]
    const xo = ptr / 4
    const d0 = xo + xFloats
    const c0 = d0 + dFloats
    const o0 = c0 + cFloats
    f.fill(0, xo, o0)
    const cols = Math.min(g.inWidth, grid.gridW - g.padLeft)
    for (let i = 0; i < count; i++) {
      const image = xBase + (first + i) * g.inHeight * g.inWidth * cin
      for (let r = 0; r < grid.gridH; r++) {
        const ih = r - g.padTop
        if (ih < 0 || ih >= g.inHeight) continue
        const s = image + ih * g.inWidth * cin
        f.set(
          x.subarray(s, s + cols * cin),
          xo + ((i * grid.gridH + r) * grid.gridW + g.padLeft) * cin
        )
      }
      for (let oh = 0; oh < g.outHeight; oh++) {
        const s = dyBase + ((first + i) * g.outHeight + oh) * g.outWidth * cout
        f.set(dy.subarray(s, s + g.outWidth * cout), d0 + (i * grid.gridH + oh) * grid.gridW * cout)
      }
    }
    const offsets = new Int32Array(f.buffer, o0 * 4, taps)
    for (let kh = 0; kh < g.filterHeight; kh++) {
      for (let kw = 0; kw < g.filterWidth; kw++)
        offsets[kh * g.filterWidth + kw] = kh * grid.gridW + kw
    }
    const { mc, nc, kc } = nativeBlocking
    runSplit(
      n,
      'shift_filter_grad',
      [xo * 4, d0 * 4, c0 * 4, o0 * 4, taps, grid.cells, cin, cout, mc, nc, kc],
      cin,
      4
    )
    for (let k = 0; k < cFloats; k++) out[outBase + k] += f[c0 + k]
  })
}

/** True for stride = filter size without padding (windows tile the input exactly). */
export function isNonOverlapping(g: ConvGeometry): boolean {
  return (
    g.strideHeight === g.filterHeight &&
    g.strideWidth === g.filterWidth &&
    g.padTop === 0 &&
    g.padLeft === 0 &&
    g.inHeight === g.outHeight * g.filterHeight &&
    g.inWidth === g.outWidth * g.filterWidth
  )
}

/**
 * dW for non-overlapping windows, images `[first, first + count)`: each window becomes one row
 * (space-to-depth, contiguous copies), so dW = Σ_rows window ⊗ dy is one "tap" of the same kernel.
 */
export function nativeWindowFilterGrad(
  n: Native,
  heapOf: () => Float32Array,
  xBase: number,
  dyBase: number,
  g: ConvGeometry,
  cout: number,
  first: number,
  count: number,
  outBase: number
): void {
  const cols = g.filterHeight * g.filterWidth * g.inChannels
  const rows = count * g.outHeight * g.outWidth
  const run = g.filterWidth * g.inChannels
  withScratch(n, (rows * (cols + cout) + cols * cout + 1) * 4, (ptr) => {
    const f = heapOf()
    const [x, dy, out] = [f, f, f]
    const xo = ptr / 4
    const d0 = xo + rows * cols
    const c0 = d0 + rows * cout
    const o0 = c0 + cols * cout
    f.fill(0, c0, o0 + 1)
    let dst = xo
    for (let b = first; b < first + count; b++) {
      for (let oh = 0; oh < g.outHeight; oh++) {
        for (let ow = 0; ow < g.outWidth; ow++) {
          for (let i = 0; i < g.filterHeight; i++) {
            const ih = oh * g.filterHeight + i
            const s =
              xBase + ((b * g.inHeight + ih) * g.inWidth + ow * g.filterWidth) * g.inChannels
            f.set(x.subarray(s, s + run), dst)
            dst += run
          }
        }
      }
    }
    const dyStart = dyBase + first * g.outHeight * g.outWidth * cout
    f.set(dy.subarray(dyStart, dyStart + rows * cout), d0)
    const { mc, nc, kc } = nativeBlocking
    runSplit(
      n,
      'shift_filter_grad',
      [xo * 4, d0 * 4, c0 * 4, o0 * 4, 1, rows, cols, cout, mc, nc, kc],
      cols,
      4
    )
    for (let k = 0; k < cols * cout; k++) out[outBase + k] += f[c0 + k]
  })
}
