/**
 * Batch norm's training gradient on the wasm backend in 5 passes instead of ≈ 13: tfjs's
 * FusedBatchNorm gradient materialises x − mean, dy·scale and four full product tensors, then sums
 * each. Here the kernel `BatchNormGradSum` forms the same float32 products per element and sums
 * them per channel in one pass each (heap-simd.ts), and dx = (dy·rsqrt(var + ε))·scale runs as two
 * per-channel multiplies. Per-element values are those of tfjs's ops; only the summation order
 * differs (as with our Sum). Other backends, dtypes or shapes keep tfjs's gradient.
 */
import { tf } from '../tf'
import { heapSimd, simdChannelSums } from './heap-simd'
import { heap, offsetOf, type WasmBackendLike } from './wasm-heap'

/** Name of the per-channel sum kernel (registered for wasm only). */
export const BATCH_NORM_GRAD_SUM = 'BatchNormGradSum'

/** Which term `BatchNormGradSum` sums (see bn_grad_sum in simd/heap-simd.c). */
export const TERMS = { offset: 0, mean: 1, variance: 2, scale: 3 } as const

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }
type Grads = ReturnType<tf.GradFunc>

let original: tf.GradConfig | undefined

function gradSum(args: Args): tf.TensorInfo {
  const { x, dy, mean, a, b } = args.inputs as Record<
    'x' | 'dy' | 'mean' | 'a' | 'b',
    tf.TensorInfo
  >
  const { term } = args.attrs as { term: number }
  const backend = args.backend as WasmBackendLike
  const channels = x.shape[x.shape.length - 1]
  const rows = x.shape.reduce((p, d) => p * d, 1) / channels
  const at = (t: tf.TensorInfo) => offsetOf(backend, t)
  const sums = simdChannelSums(backend, channels, (simd, out) =>
    simd.bnGradSum(term, at(x), at(dy), rows, channels, at(mean), at(a), at(b), out)
  )
  if (sums === null) throw new Error(`${BATCH_NORM_GRAD_SUM}: the SIMD module is not available`)
  const out = backend.makeOutput([channels], 'float32')
  heap(backend).set(sums, offsetOf(backend, out) / 4)
  return out
}

/** Kernel config registered for the `wasm` backend. */
export const batchNormGradSumConfig: tf.KernelConfig = {
  kernelName: BATCH_NORM_GRAD_SUM,
  backendName: 'wasm',
  kernelFunc: gradSum as unknown as tf.KernelFunc
}

/** True when the fused gradient applies: wasm with the module, per-channel float32 statistics. */
function fusable(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, scale?: tf.Tensor): boolean {
  const channels = x.shape[x.shape.length - 1]
  const stats = [mean, variance, ...(scale ? [scale] : [])]
  return (
    tf.getBackend() === 'wasm' &&
    tf.getKernel(BATCH_NORM_GRAD_SUM, 'wasm') !== undefined &&
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
  const sum = (term: number, a: tf.Tensor) =>
    tf.engine().runKernel(BATCH_NORM_GRAD_SUM, { x, dy, mean, a, b: s }, { term }) as tf.Tensor
  return {
    x: () => tf.mul(tf.mul(dy, rs), s),
    mean: () => sum(TERMS.mean, negRs),
    variance: () => sum(TERMS.variance, halfCube),
    scale: () => sum(TERMS.scale, rs),
    offset: () => sum(TERMS.offset, rs)
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
