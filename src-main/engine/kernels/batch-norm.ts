/**
 * FusedBatchNorm (the normalisation itself; batch statistics come from `tf.moments`) for the wasm
 * backend over NHWC tensors with per-channel statistics: per-channel factors k = scale / √(var + ε)
 * computed once, then out = (x − mean)·k + offset in one SIMD pass on the heap. wasm's own kernel
 * takes ≈ 23 ms on [16, 96, 96, 32]. Other shapes, dtypes or without the SIMD module: the original.
 */
import { tf } from '../backend/tf'
import { heapSimd } from './heap-simd'
import { runOriginal } from './original-kernels'
import { heap, offsetOf, type WasmBackendLike } from './wasm-heap'

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }

type Inputs = Record<'x' | 'mean' | 'variance', tf.TensorInfo> &
  Partial<Record<'offset' | 'scale', tf.TensorInfo>>

const size = (t: tf.TensorInfo): number => t.shape.reduce((a, b) => a * b, 1)

/** True when every statistic holds one float32 value per channel of `x` (the last axis). */
export function perChannel(inputs: Inputs): boolean {
  const { x } = inputs
  const channels = x.shape[x.shape.length - 1]
  const stats = [inputs.mean, inputs.variance, inputs.offset, inputs.scale]
  const given = stats.filter((t): t is tf.TensorInfo => t != null)
  return (
    x.shape.length >= 2 &&
    channels % 4 === 0 &&
    size(x) > 0 &&
    [x, ...given].every((t) => t.dtype === 'float32') &&
    given.every((t) => size(t) === channels)
  )
}

function fusedBatchNorm(args: Args): tf.TensorInfo {
  const inputs = args.inputs as unknown as Inputs
  const backend = args.backend as WasmBackendLike
  const simd = perChannel(inputs) ? heapSimd(backend) : null
  if (simd === null) return runOriginal('FusedBatchNorm', args) as tf.TensorInfo
  const { x, mean, variance, offset, scale } = inputs
  const eps = (args.attrs as { varianceEpsilon?: number }).varianceEpsilon ?? 0.001
  const channels = x.shape[x.shape.length - 1]
  const out = backend.makeOutput(x.shape, 'float32')
  const scratch = backend.wasm._malloc(channels * 8) >>> 0
  try {
    const f = heap(backend)
    const [k0, o0, v0] = [scratch / 4, scratch / 4 + channels, offsetOf(backend, variance) / 4]
    const s0 = scale != null ? offsetOf(backend, scale) / 4 : -1
    const b0 = offset != null ? offsetOf(backend, offset) / 4 : -1
    for (let c = 0; c < channels; c++) {
      f[k0 + c] = (s0 < 0 ? 1 : f[s0 + c]) / Math.sqrt(f[v0 + c] + eps)
      f[o0 + c] = b0 < 0 ? 0 : f[b0 + c]
    }
    const rows = size(x) / channels
    const at = (t: tf.TensorInfo) => offsetOf(backend, t)
    simd.scaleShiftRows(at(x), rows, channels, at(mean), scratch, scratch + channels * 4, at(out))
  } finally {
    backend.wasm._free(scratch)
  }
  return out
}

/** Kernel config registered for the `wasm` backend. */
export const fusedBatchNormConfig: tf.KernelConfig = {
  kernelName: 'FusedBatchNorm',
  backendName: 'wasm',
  kernelFunc: fusedBatchNorm as unknown as tf.KernelFunc
}
