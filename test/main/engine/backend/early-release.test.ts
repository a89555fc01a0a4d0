import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { earlyReleaseOptions } from '../../../../src-main/engine/backend/early-release'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { tf } from '../../../../src-main/engine/backend/tf'

/**
 * Gradients of a 12-layer chain of x ↦ relu(x·wᵢ + x) on `backend`, and the bytes alive when the
 * backward pass reaches the first layer (recorded by a custom gradient after it).
 */
async function chain(backend: 'wasm' | 'cpu'): Promise<{ grads: Float32Array[]; bytes: number }> {
  await tf.setBackend(backend)
  const x = tf.randomNormal([2, 32, 32, 8], 0, 1, 'float32', 3)
  const ws = Array.from({ length: 12 }, (_, i) =>
    tf.variable(tf.randomNormal([8], 1, 0.1, 'float32', 10 + i))
  )
  let bytes = 0
  const probe = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: (args[0] as tf.Tensor).clone(),
    gradFunc: (dy: tf.Tensor) => {
      bytes = tf.memory().numBytes
      return dy.clone()
    }
  }))
  const before = tf.memory().numTensors
  const { value, grads } = tf.variableGrads(() => {
    let h = x
    ws.forEach((w, i) => {
      h = tf.relu(tf.add(tf.mul(h, w), h))
      if (i === 0) h = probe(h) as tf.Tensor
    })
    return tf.mean(tf.square(h)) as tf.Scalar
  }, ws)
  const out = await Promise.all(ws.map(async (w) => (await grads[w.name].data()) as Float32Array))
  tf.dispose([value, grads])
  expect(tf.memory().numTensors).toBe(before)
  tf.dispose([x, ...ws])
  return { grads: out, bytes }
}

describe('early release of backward-pass tensors', () => {
  beforeAll(async () => {
    await initBackend('wasm')
  })
  afterEach(() => {
    earlyReleaseOptions.enabled = true
  })

  it.each(['wasm', 'cpu'] as const)(
    'gives the same gradients with less memory held (%s)',
    async (backend) => {
      earlyReleaseOptions.enabled = false
      const off = await chain(backend)
      earlyReleaseOptions.enabled = true
      const on = await chain(backend)
      on.grads.forEach((g, i) => expect(Array.from(g)).toEqual(Array.from(off.grads[i])))
      expect(on.bytes).toBeLessThan(off.bytes * 0.6)
    }
  )

  it("leaves the caller's dy and an input's gradient usable", async () => {
    await tf.setBackend('wasm')
    const x = tf.tensor([1, -2, 3])
    const dy = tf.tensor([1, 1, 1])
    const g = tf.grad((t: tf.Tensor) => tf.relu(t.clone()))(x, dy)
    expect(Array.from(await g.data())).toEqual([1, 0, 1])
    expect(dy.isDisposed).toBe(false)
    expect(Array.from(await dy.data())).toEqual([1, 1, 1])
    tf.dispose([x, dy, g])
  })
})
