/**
 * The element-wise and per-channel entry points of our wasm SIMD module (native/heap-simd.c, on
 * tfjs-backend-wasm's own memory through native-module.ts), so they read and write tensors where
 * they are: per-channel sums, batch norm's scale-and-shift and gradient sums, per-channel
 * broadcast arithmetic, the 2×2 max-pool and bilinear-resize gradients, strided row copies and the
 * Adam update, several times faster than wasm's generic kernels or the same loops in JS. Without
 * the module (no threaded build, no wasm SIMD) callers fall back.
 */
import { nativeModule, runSplit, threadCount, withScratch, type Native } from './native-module'
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

/** Rows summed in float32 before they are added in float64 (ROW_BLOCK in heap-simd.c). */
const SUM_BLOCK = 64

/** Floats of work below which a call stays on one thread (waking a helper costs more). */
const GRAIN = 32768

/** Off: every entry point runs on the calling thread alone (for side-by-side timings). */
export const heapSimdOptions = { threaded: true }

/** Parts of [0, total) of at least `grain`: one (the caller alone) unless threading is on. */
function split(
  native: Native,
  name: string,
  args: number[],
  total: number,
  align: number,
  grain: number
): void {
  if (heapSimdOptions.threaded) runSplit(native, name, args, total, align, grain)
  else native.exports[name](...args, 0, total, 0)
}

/** Row count worth a part when each row holds `width` floats. */
const rowsGrain = (width: number): number => Math.max(1, Math.ceil(GRAIN / Math.max(1, width)))

/** The entry points on `native`, each split between the threads by runSplit. */
function entryPoints(backend: WasmBackendLike, native: Native): HeapSimd {
  const call = (name: string) => native.exports[name] as unknown as Fn
  return {
    sumRows: (x, rows, channels, out64) => {
      const parts = threadCount(native)
      withScratch(native, parts * channels * 8, (sums) => {
        const all = new Float64Array(heap(backend).buffer, sums, parts * channels).fill(0)
        split(native, 'sum_rows_part', [x, channels, sums], rows, SUM_BLOCK, rowsGrain(channels))
        const out = new Float64Array(heap(backend).buffer, out64, channels)
        for (let p = 0; p < parts; p++)
          for (let c = 0; c < channels; c++) out[c] += all[p * channels + c]
      })
    },
    scaleShiftRows: call('scale_shift_rows'),
    adam: (x, m, v, g, ox, om, ov, size, ...constants) =>
      split(native, 'adam_part', [x, m, v, g, ox, om, ov, ...constants], size, 4, GRAIN),
    channelBinary: (op, full, per, rows, channels, perFirst, out) =>
      split(
        native,
        'channel_binary_part',
        [op, full, per, channels, perFirst, out],
        rows,
        1,
        rowsGrain(channels)
      ),
    maxPoolGrad2x2: (x, dy, n, h, w, c, dx) =>
      split(native, 'max_pool_grad_2x2_part', [x, dy, h, w, c, dx], n, 1, rowsGrain(h * w * c)),
    bnGradSums: call('bn_grad_sums'),
    copyRows: (src, srcStride, dst, dstStride, rows, width) =>
      split(
        native,
        'copy_rows_part',
        [src, srcStride, dst, dstStride, width],
        rows,
        1,
        rowsGrain(width)
      ),
    resizeBilinearGrad: (dy, n, yh, yw, xh, xw, c, hs, ws, dx) =>
      split(
        native,
        'resize_bilinear_grad_part',
        [dy, yh, yw, xh, xw, c, hs, ws, dx],
        n,
        1,
        rowsGrain(yh * yw * c)
      )
  }
}

const instances = new WeakMap<object, HeapSimd | null>()

/** The module on this backend's memory, or null when it cannot load there. */
export function heapSimd(backend: WasmBackendLike): HeapSimd | null {
  const known = instances.get(backend.wasm)
  if (known !== undefined) return known
  const native = nativeModule(backend)
  const result = native ? entryPoints(backend, native) : null
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
