/**
 * Sum and Mean over every axis but the last (per-channel sums of NHWC tensors: bias and
 * batch-norm gradients) for the wasm backend, in one pass over the heap. tfjs-backend-wasm
 * transposes the tensor first for any reduction that is not over the innermost axes.
 */
import { tf } from '../tf'
import { runOriginal } from './original-kernels'
import { heap, offsetOf, type WasmBackendLike } from './wasm-heap'

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }

/** True when `axis` names exactly the leading `rank - 1` axes. */
export function isLeadingAxes(axis: number | number[], rank: number): boolean {
  const list = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a))
  const unique = [...new Set(list)].sort((a, b) => a - b)
  return rank >= 2 && unique.length === rank - 1 && unique.every((a, i) => a === i)
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
  const acc = new Float64Array(channels)
  const h = heap(backend)
  let p = offsetOf(backend, x) / 4
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++) acc[c] += h[p++]
  }
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
