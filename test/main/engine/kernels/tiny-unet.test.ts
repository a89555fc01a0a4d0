import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { tf } from '../../../../src-main/engine/backend/tf'
import { maxAbs, maxAbsDiff, randomArray } from './compare'
import { tinyUnet } from './tiny-unet'

/** Relative tolerance on every weight gradient, wasm vs cpu. */
const TOL = 1e-3
const SHAPE = [2, 16, 16, 3]

function batch(): { x: tf.Tensor; y: tf.Tensor } {
  const size = SHAPE.reduce((a, b) => a * b)
  const x = tf.tensor(randomArray(size, 5), SHAPE)
  const y = tf
    .tensor(randomArray(size / 3, 6), [2, 16, 16, 1])
    .greater(0)
    .toFloat()
  return { x, y }
}

async function gradients(model: tf.LayersModel): Promise<Float32Array[]> {
  const { x, y } = batch()
  const { grads } = tf.variableGrads(() => {
    const p = model.apply(x, { training: true }) as tf.Tensor
    return tf.losses.sigmoidCrossEntropy(y, tf.log(p.div(tf.sub(1, p).add(1e-7)))) as tf.Scalar
  })
  const names = model.trainableWeights.map((w) => w.originalName)
  const values = await Promise.all(names.map((n) => grads[n].data() as Promise<Float32Array>))
  tf.dispose([x, y, grads])
  return values
}

describe('tiny U-Net on wasm', () => {
  let model: tf.LayersModel

  beforeAll(async () => {
    expect((await initBackend('wasm')).name).toBe('wasm')
    model = tinyUnet()
  })

  afterAll(() => model.dispose())

  it('has the same weight gradients as cpu', async () => {
    await tf.setBackend('wasm')
    const wasm = await gradients(model)
    await tf.setBackend('cpu')
    const cpu = await gradients(model)
    await tf.setBackend('wasm')
    expect(wasm.length).toBe(model.trainableWeights.length)
    wasm.forEach((g, i) => {
      expect(maxAbsDiff(g, cpu[i])).toBeLessThanOrEqual(TOL * maxAbs(cpu[i]) + 1e-7)
    })
  })

  it('trains one Adam step without leaking tensors', async () => {
    await tf.setBackend('wasm')
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy' })
    const { x, y } = batch()
    await model.trainOnBatch(x, y)
    const before = tf.memory().numTensors
    const loss = (await model.trainOnBatch(x, y)) as number
    expect(Number.isFinite(loss)).toBe(true)
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([x, y])
  })
})
