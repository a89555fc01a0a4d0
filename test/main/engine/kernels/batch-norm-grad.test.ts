import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { tf } from '../../../../src-main/engine/backend/tf'
import { maxAbs, maxAbsDiff, randomArray } from './compare'

/** Relative tolerance: per-element terms are identical, only per-channel sums are reordered. */
const TOL = 1e-5

/** x shapes; channels % 4 ≠ 0 takes tfjs's own gradient. (tfjs cannot differentiate batchNorm
 * without scale or offset at all: its tape reads the missing input.) */
const SHAPES = [
  [2, 5, 6, 8],
  [3, 4, 4, 32],
  [2, 3, 3, 4],
  [2, 3, 3, 6]
]

/** Gradients of Σ w·batchNorm(x, mean, variance, offset, scale) for every input, on `backend`. */
async function gradsOn(backend: 'wasm' | 'cpu', shape: number[]): Promise<Float32Array[]> {
  await tf.setBackend(backend)
  const channels = shape[shape.length - 1]
  const size = shape.reduce((a, b) => a * b, 1)
  const vec = (seed: number, positive = false) =>
    tf.tensor(
      randomArray(channels, seed).map((v) => (positive ? v * v + 0.2 : v)),
      [channels]
    )
  const x = tf.tensor(randomArray(size, 1), shape)
  const w = tf.tensor(randomArray(size, 2), shape)
  const inputs = [x, vec(3), vec(4, true), vec(5), vec(6)]
  const before = tf.memory().numTensors
  const f = (...t: tf.Tensor[]) =>
    tf.sum(tf.mul(w, tf.batchNorm(t[0], t[1], t[2], t[3], t[4], 1e-3)))
  const grads = tf.grads(f)(inputs)
  const values = await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array))
  tf.dispose(grads)
  expect(tf.memory().numTensors).toBe(before)
  tf.dispose([...inputs, w])
  return values
}

describe('batch-norm gradient on wasm', () => {
  beforeAll(async () => {
    expect((await initBackend('wasm')).name).toBe('wasm')
  })

  it.each(SHAPES)('equals cpu for %j', async (...shape) => {
    const wasm = await gradsOn('wasm', shape)
    const cpu = await gradsOn('cpu', shape)
    const names = ['x', 'mean', 'variance', 'offset', 'scale']
    for (let i = 0; i < cpu.length; i++) {
      const diff = maxAbsDiff(wasm[i], cpu[i])
      expect({ input: names[i], ok: diff <= TOL * maxAbs(cpu[i]) }).toEqual({
        input: names[i],
        ok: true
      })
    }
  })
})
