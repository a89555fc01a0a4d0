/**
 * One Adam update of a variable in a single pass over the wasm heap (kernel `FusedAdam`; SIMD on
 * heap-simd.ts's module, else JS): new value, first and second moment from the value, the moments
 * and the gradient. `tf.train.adam` runs 14 element-wise kernels per variable for the same; each
 * step here is rounded to float32 in the same order as tfjs's ops, so the result is bit for bit
 * the same.
 */
import type { tf } from '../tf'
import { heapSimd } from './heap-simd'
import { heap, offsetOf, type WasmBackendLike } from './wasm-heap'

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
 * The update over `size` floats at the given heap indices, exactly as tfjs's AdamOptimizer
 * computes it: m' = m·β₁ + g·(1−β₁), v' = v·β₂ + g²·(1−β₂),
 * x' = (m'/(1−β₁ᵗ)) / (√(v'/(1−β₂ᵗ)) + ε) · (−lr) + x, every operation rounded to float32.
 */
export function adamPass(
  f: Float32Array,
  at: { x: number; m: number; v: number; g: number; outX: number; outM: number; outV: number },
  size: number,
  a: FusedAdamAttrs
): void {
  const [b1, c1, b2, c2, d1, d2, eps, lr] = adamConstants(a)
  const { x, m: m0, v: v0, g: g0, outX, outM, outV } = at
  for (let i = 0; i < size; i++) {
    const g = f[g0 + i]
    const m = f32(f32(f[m0 + i] * b1) + f32(g * c1))
    const v = f32(f32(f[v0 + i] * b2) + f32(f32(g * g) * c2))
    const step = f32(f32(m / d1) / f32(f32(Math.sqrt(f32(v / d2))) + eps))
    f[outX + i] = f32(step * lr) + f[x + i]
    f[outM + i] = m
    f[outV + i] = v
  }
}

function fusedAdam(args: Args): tf.TensorInfo[] {
  const { x, m, v, g } = args.inputs as Record<'x' | 'm' | 'v' | 'g', tf.TensorInfo>
  const backend = args.backend as WasmBackendLike
  for (const t of [x, m, v, g]) {
    if (t.dtype !== 'float32') throw new Error(`${FUSED_ADAM}: ${t.dtype} input, float32 expected`)
  }
  const outs = [x, m, v].map((t) => backend.makeOutput(t.shape, 'float32'))
  const at = (t: tf.TensorInfo) => offsetOf(backend, t) / 4
  const size = x.shape.reduce((p, d) => p * d, 1)
  const where = { x: at(x), m: at(m), v: at(v), g: at(g) }
  const out = { outX: at(outs[0]), outM: at(outs[1]), outV: at(outs[2]) }
  const a = args.attrs as FusedAdamAttrs
  const simd = heapSimd(backend)
  if (simd === null) {
    adamPass(heap(backend), { ...where, ...out }, size, a)
  } else {
    const b = [where.x, where.m, where.v, where.g, out.outX, out.outM, out.outV].map((i) => i * 4)
    simd.adam(...b, size, ...adamConstants(a))
  }
  return outs
}

/** Kernel config registered for the `wasm` backend. */
export const fusedAdamConfig: tf.KernelConfig = {
  kernelName: FUSED_ADAM,
  backendName: 'wasm',
  kernelFunc: fusedAdam as unknown as tf.KernelFunc
}
