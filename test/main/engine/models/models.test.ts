import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { loadModel, saveModel } from '../../../../src-main/engine/models/model-io'
import {
  countTrainableParams,
  createModel,
  type ModelConfig
} from '../../../../src-main/engine/models'
import { tf } from '../../../../src-main/engine/backend/tf'

const base: ModelConfig = {
  arch: 'unet',
  channels: 3,
  classes: 1,
  base: 32,
  depth: 4,
  batchNorm: true,
  dropout: 0,
  upsample: 'bilinear',
  deepSupervision: false,
  seed: 1
}

beforeAll(async () => {
  await initBackend('cpu')
})

describe('createModel', () => {
  it('builds the U-Net with exactly the parameters of the PyTorch peer (base 32, depth 4, 3 ch)', () => {
    const model = createModel(base)
    expect(countTrainableParams(model)).toBe(7_852_545)
    model.dispose()
  })

  it('runs U-Net and UNet++ on any channel count, with 1 or C outputs and deep supervision', () => {
    const unet = createModel({
      ...base,
      channels: 1,
      classes: 4,
      base: 4,
      depth: 2,
      upsample: 'transpose',
      dropout: 0.2
    })
    const pp = createModel({
      ...base,
      arch: 'unetpp',
      channels: 2,
      base: 4,
      depth: 3,
      deepSupervision: true
    })
    tf.tidy(() => {
      expect((unet.predict(tf.zeros([2, 16, 24, 1])) as tf.Tensor).shape).toEqual([2, 16, 24, 4])
      const outs = pp.predict(tf.zeros([1, 32, 32, 2])) as tf.Tensor[]
      expect(outs.map((t) => t.shape)).toEqual([
        [1, 32, 32, 1],
        [1, 32, 32, 1],
        [1, 32, 32, 1]
      ])
    })
    unet.dispose()
    pp.dispose()
  })

  it('rejects unknown kinds', () => {
    expect(() => createModel({ ...base, arch: 'segnet' as 'unet' })).toThrow(
      /unknown model kind "segnet"/
    )
  })

  it('saves and reloads in tfjs layers format with identical outputs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'unet-model-'))
    const model = createModel({ ...base, base: 4, depth: 2, batchNorm: false })
    await saveModel(model, join(dir, 'model'))
    const again = await loadModel(join(dir, 'model'))
    const x = tf.randomNormal([1, 16, 16, 3], 0, 1, 'float32', 3)
    const a = model.predict(x) as tf.Tensor
    const b = again.predict(x) as tf.Tensor
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-6)
    tf.dispose([x, a, b])
    model.dispose()
    again.dispose()
    await rm(dir, { recursive: true, force: true })
  })
})

describe('batch-norm gradient', () => {
  it('matches central finite differences through moments and scale', () => {
    const x0 = tf.randomNormal([2, 3, 3, 2], 0, 1, 'float32', 7)
    const w = tf.randomNormal([2, 3, 3, 2], 0, 1, 'float32', 8)
    const gamma = tf.tensor1d([1.5, 0.7])
    const f = (x: tf.Tensor) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2])
      const y = tf.batchNorm4d(
        x as tf.Tensor4D,
        mean as tf.Tensor1D,
        variance as tf.Tensor1D,
        tf.zeros([2]) as tf.Tensor1D,
        gamma,
        1e-3
      )
      return tf.sum(tf.mul(y, w))
    }
    const grad = tf.grad(f)(x0).dataSync()
    const base = x0.dataSync()
    const h = 1e-2
    for (const i of [0, 5, 17, 30]) {
      const plus = base.slice()
      const minus = base.slice()
      plus[i] += h
      minus[i] -= h
      const fd =
        (f(tf.tensor(plus, x0.shape)).dataSync()[0] - f(tf.tensor(minus, x0.shape)).dataSync()[0]) /
        (2 * h)
      expect(grad[i]).toBeCloseTo(fd, 2)
    }
  })
})
