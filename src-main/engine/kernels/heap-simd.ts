/**
 * The element-wise and per-channel entry points of our wasm SIMD module (native/heap-simd.c, on
 * tfjs-backend-wasm's own memory through native-module.ts), so they read and write tensors where
 * they are: per-channel sums, batch norm's scale-and-shift and gradient sums, per-channel
 * broadcast arithmetic, the 2×2 max-pool and bilinear-resize gradients, strided row copies and the
 * Adam update, several times faster than wasm's generic kernels or the same loops in JS. Without
 * the module (no threaded build, no wasm SIMD) callers fall back.
 */
import { nativeModule, withScratch } from './native-module'
import { heap, type WasmBackendLike } from './wasm-heap'

type Fn = (...args: number[]) => void

/** The module's entry points (byte addresses on the tfjs heap). */
export interface HeapSimd {
  /** out64[c] += Σ_r x[r·channels + c] (channels % 4 = 0). */
  sumRows: (x: number, rows: number, channels: number, out64: number) => void
  /** out = (x − mean[c]) · k[c] + offset[c] (channels % 4 = 0). */
  scaleShiftRows: Fn
  /** One Adam step: see `adam` in heap-simd.c. */
  adam: Fn
  /** out = full OP per[c] (or per[c] OP full): see `channel_binary` in heap-simd.c. */
  channelBinary: Fn
  /** 2×2 stride-2 max-pool gradient: see `max_pool_grad_2x2` in heap-simd.c. */
  maxPoolGrad2x2: Fn
  /** Per-channel sums of batch norm's four gradient terms: see `bn_grad_sums` in heap-simd.c. */
  bnGradSums: Fn
  /** Strided row copies: see `copy_rows` in heap-simd.c. */
  copyRows: Fn
  /** Bilinear-resize gradient: see `resize_bilinear_grad` in heap-simd.c. */
  resizeBilinearGrad: Fn
}

/** Our names for the module's exports. */
const EXPORTS: Record<keyof HeapSimd, string> = {
  sumRows: 'sum_rows',
  scaleShiftRows: 'scale_shift_rows',
  adam: 'adam',
  channelBinary: 'channel_binary',
  maxPoolGrad2x2: 'max_pool_grad_2x2',
  bnGradSums: 'bn_grad_sums',
  copyRows: 'copy_rows',
  resizeBilinearGrad: 'resize_bilinear_grad'
}

const instances = new WeakMap<object, HeapSimd | null>()

/** The module on this backend's memory, or null when it cannot load there. */
export function heapSimd(backend: WasmBackendLike): HeapSimd | null {
  const known = instances.get(backend.wasm)
  if (known !== undefined) return known
  const native = nativeModule(backend)
  const result = native
    ? (Object.fromEntries(
        Object.entries(EXPORTS).map(([key, name]) => [key, native.exports[name]])
      ) as unknown as HeapSimd)
    : null
  instances.set(backend.wasm, result)
  return result
}

/**
 * Runs `sum(simd, out64)`, which adds `count` float64 sums into zeroed scratch at `out64`, and
 * returns them; null without the module or when `channels % 4 ≠ 0`.
 */
export function simdChannelSums(
  backend: WasmBackendLike,
  channels: number,
  sum: (simd: HeapSimd, out64: number) => void,
  count = channels
): Float64Array | null {
  const simd = channels % 4 === 0 ? heapSimd(backend) : null
  const native = nativeModule(backend)
  if (simd === null || native === null) return null
  return withScratch(native, count * 8, (scratch) => {
    new Float64Array(heap(backend).buffer, scratch, count).fill(0)
    sum(simd, scratch)
    return new Float64Array(heap(backend).buffer, scratch, count).slice()
  })
}

/**
 * Per-channel sums of `rows` × `channels` floats at byte address `x` through the module, in
 * float64 (blocks of 64 rows summed in float32); null when the module cannot do it.
 */
export function simdSumRows(
  backend: WasmBackendLike,
  x: number,
  rows: number,
  channels: number
): Float64Array | null {
  return simdChannelSums(backend, channels, (simd, out) => simd.sumRows(x, rows, channels, out))
}
