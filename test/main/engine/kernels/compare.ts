/** Test helpers: run the same kernel on `wasm` and on `cpu` and compare the outputs. */
import { tf } from '../../../../src-main/engine/backend/tf'

/** Deterministic pseudo-random floats in [-1, 1). */
export function randomArray(size: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1
  const out = new Float32Array(size)
  for (let i = 0; i < size; i++) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    out[i] = ((state >>> 0) / 4294967296) * 2 - 1
  }
  return out
}

/** Inputs of a kernel as plain arrays (shape + values). */
export type KernelInputs = Record<string, { shape: number[]; values: Float32Array }>

/** Runs kernel `name` on backend `backend` and returns its output values and shape. */
export async function runKernelOn(
  backend: 'wasm' | 'cpu',
  name: string,
  inputs: KernelInputs,
  attrs: Record<string, unknown>
): Promise<{ shape: number[]; values: Float32Array; leaked: number }> {
  await tf.setBackend(backend)
  const tensors = Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.values, v.shape)])
  )
  const before = tf.memory().numTensors
  const dataBefore = tf.engine().backend.numDataIds()
  const out = tf.engine().runKernel(name, tensors, attrs as never) as tf.Tensor
  const result = { shape: out.shape, values: (await out.data()) as Float32Array }
  out.dispose()
  const leaked = tf.memory().numTensors - before + (tf.engine().backend.numDataIds() - dataBefore)
  Object.values(tensors).forEach((t) => t.dispose())
  return { ...result, leaked }
}

/** Largest absolute difference between two arrays of the same length. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

/** Largest absolute value (for relative tolerances). */
export function maxAbs(a: Float32Array): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]))
  return m
}
