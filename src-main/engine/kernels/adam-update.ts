/**
 * One Adam update of a variable in a single SIMD pass over the wasm heap (kernel `FusedAdam`, on
 * heap-simd.ts's module): new value, first and second moment from the value, the moments and the
 * gradient. `tf.train.adam` runs 14 element-wise kernels per variable for the same; each
 * step here is rounded to float32 in the same order as tfjs's ops, so the result is bit for bit
 * the same.
 */
import { tf } from '../backend/tf'
import { heapSimd } from './heap-simd'
import { offsetOf, type WasmBackendLike } from './wasm-heap'

/** Name of the kernel (registered for wasm only). */
export const FUSED_ADAM = 'FusedAdam'

/** Hyper-parameters of one update; `accBeta1`, `accBeta2`: β₁ᵗ and β₂ᵗ (float32) of this step. */
export interface FusedAdamAttrs {
  learningRate: number
  beta1: number
  beta2: number
  epsilon: number
  accBeta1: number
  accBeta2: number
}

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }

const f32 = Math.fround

/** β₁, 1−β₁, β₂, 1−β₂, 1−β₁ᵗ, 1−β₂ᵗ, ε, −lr as the float32 scalars tfjs's ops use. */
export function adamConstants(a: FusedAdamAttrs): number[] {
  const d1 = f32(1 - f32(a.accBeta1))
  const d2 = f32(1 - f32(a.accBeta2))
  return [a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, d1, d2, a.epsilon, -a.learningRate].map(f32)
}

/**
 * The update, exactly as tfjs's AdamOptimizer computes it: m' = m·β₁ + g·(1−β₁),
 * v' = v·β₂ + g²·(1−β₂), x' = (m'/(1−β₁ᵗ)) / (√(v'/(1−β₂ᵗ)) + ε) · (−lr) + x, every operation
 * rounded to float32 (f32x4 in heap-simd.c).
 */
function fusedAdam(args: Args): tf.TensorInfo[] {
  const { x, m, v, g } = args.inputs as Record<'x' | 'm' | 'v' | 'g', tf.TensorInfo>
  const backend = args.backend as WasmBackendLike
  const simd = heapSimd(backend)
  if (simd === null) throw new Error(`${FUSED_ADAM}: the SIMD module is not available`)
  for (const t of [x, m, v, g]) {
    if (t.dtype !== 'float32') throw new Error(`${FUSED_ADAM}: ${t.dtype} input, float32 expected`)
  }
  const outs = [x, m, v].map((t) => backend.makeOutput(t.shape, 'float32'))
  const at = [x, m, v, g, ...outs].map((t) => offsetOf(backend, t))
  const size = x.shape.reduce((p, d) => p * d, 1)
  simd.adam(...at, size, ...adamConstants(args.attrs as FusedAdamAttrs))
  return outs
}

/**
 * True when `FusedAdam` can run on the current backend: wasm with the SIMD module (in plain JS
 * the update would be slower than tfjs's 14 kernels, so there tfjs's Adam runs).
 */
export function fusedAdamAvailable(): boolean {
  const backend = tf.engine().backend as unknown as WasmBackendLike
  const registered = tf.getKernel(FUSED_ADAM, tf.getBackend()) !== undefined
  return registered && tf.getBackend() === 'wasm' && heapSimd(backend) !== null
}

/** Kernel config registered for the `wasm` backend. */
export const fusedAdamConfig: tf.KernelConfig = {
  kernelName: FUSED_ADAM,
  backendName: 'wasm',
  kernelFunc: fusedAdam as unknown as tf.KernelFunc
}
