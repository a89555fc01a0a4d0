import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { tf } from '../../../../src-main/engine/backend/tf'
import { Conv } from '../../../../src-main/engine/models/conv-layer'
import { loadModel, saveModel } from '../../../../src-main/engine/models/model-io'

beforeAll(async () => {
  await initBackend()
})

/** input → 3×3 conv (8, ReLU) → 3×3 conv (4): with our Conv or tfjs's own, same weights. */
function twoConvs(ours: boolean): tf.LayersModel {
  const make = (filters: number, name: string, activation?: 'relu') => {
    const cfg = { filters, kernelSize: 3, padding: 'same' as const, activation, name }
    return ours ? new Conv(cfg) : tf.layers.conv2d(cfg)
  }
  const input = tf.input({ shape: [12, 12, 3] })
  const a = make(8, 'first', 'relu').apply(input) as tf.SymbolicTensor
  const b = make(4, 'second').apply(a) as tf.SymbolicTensor
  return tf.model({ inputs: input, outputs: b })
}

describe('Conv (first layer without its input gradient)', () => {
  it('gives the same output and weight gradients as tfjs Conv2D, in training and inference', () => {
    const ours = twoConvs(true)
    const stock = twoConvs(false)
    stock.setWeights(ours.getWeights())
    const x = tf.randomNormal([2, 12, 12, 3], 0, 1, 'float32', 3)
    const y = tf.randomNormal([2, 12, 12, 4], 0, 1, 'float32', 4)
    const grads = (m: tf.LayersModel) =>
      tf.variableGrads(() => {
        const out = m.apply(x, { training: true }) as tf.Tensor
        return tf.losses.meanSquaredError(y, out) as tf.Scalar
      })
    const g1 = grads(ours)
    const g2 = grads(stock)
    const names = (m: tf.LayersModel) =>
      m.trainableWeights.map((w) => (w.read() as tf.Variable).name)
    const [n1, n2] = [names(ours), names(stock)]
    expect(n1).toHaveLength(4)
    for (const [i, k] of n1.entries()) {
      const v = g1.grads[k]
      const other = g2.grads[n2[i]]
      const diff = tf.max(tf.abs(tf.sub(v, other))).dataSync()[0]
      const scale = tf.max(tf.abs(other)).dataSync()[0]
      expect(diff).toBeLessThanOrEqual(1e-5 * scale + 1e-7)
    }
    expect(g1.value.dataSync()[0]).toBeCloseTo(g2.value.dataSync()[0], 5)
    const p1 = (ours.predict(x) as tf.Tensor).dataSync()
    const p2 = (stock.predict(x) as tf.Tensor).dataSync()
    let worst = 0
    for (let i = 0; i < p1.length; i++) worst = Math.max(worst, Math.abs(p1[i] - p2[i]))
    expect(worst).toBeLessThan(1e-5)
    ours.dispose()
    stock.dispose()
  })

  it('saves as Conv2D and loads back with the same outputs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'conv-layer-'))
    try {
      const model = twoConvs(true)
      await saveModel(model, dir)
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'))
      const classes = json.modelTopology.config.layers.map(
        (l: { class_name: string }) => l.class_name
      )
      expect(classes).toEqual(['InputLayer', 'Conv2D', 'Conv2D'])
      const back = await loadModel(dir)
      const x = tf.randomNormal([1, 12, 12, 3], 0, 1, 'float32', 5)
      const a = (model.predict(x) as tf.Tensor).dataSync()
      const b = (back.predict(x) as tf.Tensor).dataSync()
      expect(Array.from(b)).toEqual(Array.from(a))
      model.dispose()
      back.dispose()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
