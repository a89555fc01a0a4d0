/**
 * Stride-1 filter gradient on our own small wasm SIMD module (native/filter-grad.c): the input and
 * dy are copied row by row onto a zero-padded grid in the module's memory (no transposes), and a
 * cache-blocked 4x8 outer-product kernel sums every filter tap. XNNPACK's GEMM, built for long
 * rows and short reductions, runs this reduction-shaped product 3-4x slower.
 */
import type { ConvGeometry } from './im2col'
import { FILTER_GRAD_WASM } from './native/filter-grad-wasm'
import { shiftGrid } from './shift-layout'

/** The slice of the WebAssembly API we use (the node tsconfig has no DOM lib). */
interface WasmMemory {
  buffer: ArrayBuffer
  grow(pages: number): number
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
}

interface Native {
  memory: WasmMemory
  run: (...args: number[]) => void
}

/** Our buffers start above the module's own stack. */
const BASE = 1 << 20
let native: Native | null | undefined

/** The compiled module, or null when this runtime cannot run it (no wasm SIMD). */
export function nativeFilterGrad(): Native | null {
  if (native !== undefined) return native
  try {
    const bytes = Buffer.from(FILTER_GRAD_WASM, 'base64')
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly
    const instance = new wasm.Instance(new wasm.Module(bytes), {})
    const e = instance.exports as { memory: WasmMemory; shift_filter_grad: Native['run'] }
    native = { memory: e.memory, run: e.shift_filter_grad }
  } catch {
    native = null
  }
  return native
}

function ensureBytes(memory: WasmMemory, bytes: number): void {
  const missing = BASE + bytes - memory.buffer.byteLength
  if (missing > 0) memory.grow(Math.ceil(missing / 65536))
}

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
 * dW for images `[first, first + count)` of NHWC `x` / `dy` (float views with base indices),
 * added into `out` at `outBase` (taps x cin x cout floats).
 */
export function nativeShiftFilterGrad(
  n: Native,
  x: Float32Array,
  xBase: number,
  dy: Float32Array,
  dyBase: number,
  g: ConvGeometry,
  cout: number,
  first: number,
  count: number,
  out: Float32Array,
  outBase: number
): void {
  const cin = g.inChannels
  const grid = shiftGrid(g, count)
  const taps = g.filterHeight * g.filterWidth
  const xFloats = (grid.cells + grid.maxOffset) * cin
  const dFloats = grid.cells * cout
  const cFloats = taps * cin * cout
  ensureBytes(n.memory, (xFloats + dFloats + cFloats + taps) * 4)
  const f = new Float32Array(n.memory.buffer)
  const xo = BASE / 4
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
  const offsets = new Int32Array(n.memory.buffer, o0 * 4, taps)
  for (let kh = 0; kh < g.filterHeight; kh++) {
    for (let kw = 0; kw < g.filterWidth; kw++)
      offsets[kh * g.filterWidth + kw] = kh * grid.gridW + kw
  }
  const { mc, nc, kc } = nativeBlocking
  n.run(xo * 4, d0 * 4, c0 * 4, o0 * 4, taps, grid.cells, cin, cout, mc, nc, kc)
  const result = new Float32Array(n.memory.buffer, c0 * 4, cFloats)
  for (let k = 0; k < cFloats; k++) out[outBase + k] += result[k]
}
