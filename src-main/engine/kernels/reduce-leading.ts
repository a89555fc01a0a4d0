/**
 * Sum and Mean over every axis but the last (per-channel sums of NHWC tensors: bias and
 * batch-norm gradients) for the wasm backend, in one pass over the heap. tfjs-backend-wasm
 * transposes the tensor first for any reduction that is not over the innermost axes.
 */
import { tf } from '../backend/tf'
import { simdSumRows } from './heap-simd'
import { runOriginal } from './original-kernels'
import { heap, offsetOf, type WasmBackendLike } from './wasm-heap'

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }

/** True when `axis` names exactly the leading `rank - 1` axes. */
export function isLeadingAxes(axis: number | number[], rank: number): boolean {
  const list = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a))
  const unique = [...new Set(list)].sort((a, b) => a - b)
  return rank >= 2 && unique.length === rank - 1 && unique.every((a, i) => a === i)
}

/** Rows per block: a block of a few channels stays in cache while its 8 sums run in registers. */
const ROW_BLOCK = 128

/** Per-channel sums of `rows` × `channels` floats at `start`, 8 channels at a time in registers. */
export function sumRows(
  h: Float32Array,
  start: number,
  rows: number,
  channels: number
): Float64Array {
  const acc = new Float64Array(channels)
  const wide = channels - (channels % 8)
  for (let r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
    const r1 = Math.min(rows, r0 + ROW_BLOCK)
    for (let c = 0; c < wide; c += 8) {
      let [a0, a1, a2, a3, a4, a5, a6, a7] = [0, 0, 0, 0, 0, 0, 0, 0]
      for (let i = start + r0 * channels + c, e = start + r1 * channels; i < e; i += channels) {
        a0 += h[i]
        a1 += h[i + 1]
        a2 += h[i + 2]
        a3 += h[i + 3]
        a4 += h[i + 4]
        a5 += h[i + 5]
        a6 += h[i + 6]
        a7 += h[i + 7]
      }
      acc[c] += a0
      acc[c + 1] += a1
      acc[c + 2] += a2
      acc[c + 3] += a3
      acc[c + 4] += a4
      acc[c + 5] += a5
      acc[c + 6] += a6
      acc[c + 7] += a7
    }
    for (let r = r0; r < r1; r++) {
      for (let c = wide, p = start + r * channels + wide; c < channels; c++) acc[c] += h[p++]
    }
  }
  return acc
}

function reduceLeading(name: 'Sum' | 'Mean', args: Args): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo }
  const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean }
  if (x.dtype !== 'float32' || !isLeadingAxes(axis, x.shape.length)) {
    return runOriginal(name, args) as tf.TensorInfo
  }
  const backend = args.backend as WasmBackendLike
  const channels = x.shape[x.shape.length - 1]
  const rows = x.shape.slice(0, -1).reduce((a, b) => a * b, 1)
  const shape = keepDims ? [...x.shape.slice(0, -1).map(() => 1), channels] : [channels]
  const out = backend.makeOutput(shape, 'float32')
  const start = offsetOf(backend, x)
  const acc =
    simdSumRows(backend, start, rows, channels) ?? sumRows(heap(backend), start / 4, rows, channels)
  const h = heap(backend)
  const scale = name === 'Mean' ? 1 / rows : 1
  const o = offsetOf(backend, out) / 4
  for (let c = 0; c < channels; c++) h[o + c] = acc[c] * scale
  return out
}

/** Kernel configs registered for the `wasm` backend. */
export const sumConfig: tf.KernelConfig = {
  kernelName: 'Sum',
  backendName: 'wasm',
  kernelFunc: ((args: Args) => reduceLeading('Sum', args)) as unknown as tf.KernelFunc
}

/** Mean over the leading axes; other reductions go to the original kernel. */
export const meanConfig: tf.KernelConfig = {
  kernelName: 'Mean',
  backendName: 'wasm',
  kernelFunc: ((args: Args) => reduceLeading('Mean', args)) as unknown as tf.KernelFunc
}
