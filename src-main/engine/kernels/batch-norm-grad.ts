/**
 * Batch norm's training gradient on the wasm backend in 3 passes instead of ≈ 13: tfjs's
 * FusedBatchNorm gradient materialises x − mean, dy·scale and four full product tensors, then sums
 * each. Here the kernel `BatchNormGradSums` forms the same float32 products per element and sums
 * all four per channel in one pass (heap-simd.ts), and dx = (dy·rsqrt(var + ε))·scale runs as two
 * per-channel multiplies. Per-element values are those of tfjs's ops; only the summation order
 * differs (as with our Sum). Other backends, dtypes or shapes keep tfjs's gradient.
 */
import { tf } from '../backend/tf'
import { heapSimd, simdChannelSums } from './heap-simd'
import { heap, offsetOf, type WasmBackendLike } from './wasm-heap'

/** Name of the per-channel sums kernel (registered for wasm only). */
export const BATCH_NORM_GRAD_SUMS = 'BatchNormGradSums'

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }
type Grads = ReturnType<tf.GradFunc>

let original: tf.GradConfig | undefined

/**
 * [4, C]: per channel Σ dy, Σ negRs·(dy·scale), Σ (halfCube·(x − mean))·(dy·scale) and
 * Σ dy·((x − mean)·rs) (the offset, mean, variance and scale gradients) in one pass.
 */
function gradSums(args: Args): tf.TensorInfo {
  const inputs = args.inputs as Record<string, tf.TensorInfo>
  const { x } = inputs
  const backend = args.backend as WasmBackendLike
  const channels = x.shape[x.shape.length - 1]
  const rows = x.shape.reduce((p, d) => p * d, 1) / channels
  const at = (t: tf.TensorInfo) => offsetOf(backend, t)
  const stats = ['mean', 'rs', 'negRs', 'halfCube', 'scale'].map((name) => at(inputs[name]))
  const sums = simdChannelSums(
    backend,
    channels,
    (simd, out) => simd.bnGradSums(at(x), at(inputs.dy), rows, channels, ...stats, out),
    4 * channels
  )
  if (sums === null) throw new Error(`${BATCH_NORM_GRAD_SUMS}: the SIMD module is not available`)
  const out = backend.makeOutput([4, channels], 'float32')
  heap(backend).set(sums, offsetOf(backend, out) / 4)
  return out
}

/** Kernel config registered for the `wasm` backend. */
export const batchNormGradSumsConfig: tf.KernelConfig = {
  kernelName: BATCH_NORM_GRAD_SUMS,
  backendName: 'wasm',
  kernelFunc: gradSums as unknown as tf.KernelFunc
}

/** True when the fused gradient applies: wasm with the module, per-channel float32 statistics. */
function fusable(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, scale?: tf.Tensor): boolean {
  const channels = x.shape[x.shape.length - 1]
  const stats = [mean, variance, ...(scale ? [scale] : [])]
  return (
    tf.getBackend() === 'wasm' &&
    tf.getKernel(BATCH_NORM_GRAD_SUMS, 'wasm') !== undefined &&
    heapSimd(tf.engine().backend as unknown as WasmBackendLike) !== null &&
    x.rank >= 2 &&
    channels % 4 === 0 &&
    [x, ...stats].every((t) => t.dtype === 'float32') &&
    stats.every((t) => t.rank === 1 && t.size === channels)
  )
}

function batchNormGrad(dy: tf.Tensor, saved: tf.Tensor[], attrs: tf.NamedAttrMap): Grads {
  const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor?]
  if (!fusable(x, mean, variance, scale) || dy.dtype !== 'float32') {
    return (original as tf.GradConfig).gradFunc(dy, saved, attrs)
  }
  const eps = (attrs as { varianceEpsilon: number }).varianceEpsilon
  const s = scale ?? tf.onesLike(mean)
  const rs = tf.rsqrt(tf.add(variance, tf.scalar(eps)))
  const halfCube = tf.mul(tf.mul(tf.mul(rs, rs), rs), tf.scalar(-0.5))
  const negRs = tf.mul(rs, tf.scalar(-1))
  const inputs = { x, dy, mean, rs, negRs, halfCube, scale: s }
  // Computed here, not in the closures: this scope is disposed after the backward pass.
  const sums = tf.engine().runKernel(BATCH_NORM_GRAD_SUMS, inputs, {}) as tf.Tensor
  const row = (k: number) => tf.reshape(tf.slice(sums, [k, 0], [1, -1]), mean.shape)
  return {
    x: () => tf.mul(tf.mul(dy, rs), s),
    offset: () => row(0),
    mean: () => row(1),
    variance: () => row(2),
    scale: () => row(3)
  }
}

/** Replaces tfjs's FusedBatchNorm gradient (once; it defers to the original where not fusable). */
export function registerBatchNormGradient(): void {
  if (original !== undefined) return
  original = tf.getGradient('FusedBatchNorm')
  if (original === undefined) return
  tf.registerGradient({
    kernelName: 'FusedBatchNorm',
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: batchNormGrad as tf.GradFunc
  })
}
