import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { tf } from '../../../../src-main/engine/backend/tf'
import {
  createModel,
  fuseBatchNormRelu,
  type ModelConfig
} from '../../../../src-main/engine/models'
import { BatchNorm } from '../../../../src-main/engine/models/batch-norm-layer'
import { loadModel, saveModel } from '../../../../src-main/engine/models/model-io'
import { maxAbsDiff, randomArray } from '../kernels/compare'

const CONFIG: ModelConfig = {
  arch: 'unet',
  channels: 3,
  classes: 1,
  base: 8,
  depth: 2,
  batchNorm: true,
  dropout: 0,
  upsample: 'bilinear',
  deepSupervision: false,
  seed: 3
}

const batchNorms = (model: tf.LayersModel): BatchNorm[] =>
  model.layers.filter((l): l is BatchNorm => l instanceof BatchNorm)

/** Loss and weight gradients of one training-mode pass on a fixed batch. */
async function step(model: tf.LayersModel): Promise<Float32Array[]> {
  const x = tf.tensor(randomArray(2 * 16 * 16 * 3, 11), [2, 16, 16, 3])
  const y = tf
    .tensor(randomArray(2 * 16 * 16, 12), [2, 16, 16, 1])
    .greater(0)
    .toFloat()
  const { value, grads } = tf.variableGrads(() => {
    const logits = model.apply(x, { training: true }) as tf.Tensor
    return tf.losses.sigmoidCrossEntropy(y, logits) as tf.Scalar
  })
  const names = model.trainableWeights.map((w) => (w.read() as tf.Variable).name)
  const out = [
    (await value.data()) as Float32Array,
    ...(await Promise.all(names.map((n) => grads[n].data() as Promise<Float32Array>)))
  ]
  tf.dispose([x, y, value, grads])
  return out
}

describe('batch norm + ReLU fused in training', () => {
  beforeAll(async () => {
    expect((await initBackend('wasm')).name).toBe('wasm')
  })

  it('fuses every batch norm of a new U-Net; loss and gradients equal the unfused model', async () => {
    const model = createModel(CONFIG)
    const layers = batchNorms(model)
    expect(layers.length).toBe(10)
    expect(layers.every((l) => l.reluAfter)).toBe(true)
    const fused = await step(model)
    for (const l of layers) l.reluAfter = false
    const plain = await step(model)
    expect(fused.length).toBe(model.trainableWeights.length + 1)
    fused.forEach((g, i) => expect(maxAbsDiff(g, plain[i])).toBe(0))
    model.dispose()
  })

  it('saves stock layers, and a reloaded model (a resumed run) is fused again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'unet-fuse-'))
    const model = createModel(CONFIG)
    await saveModel(model, join(dir, 'model'))
    const saved = JSON.parse(await readFile(join(dir, 'model', 'model.json'), 'utf8'))
    const classes = saved.modelTopology.config.layers.map(
      (l: { class_name: string }) => l.class_name
    )
    expect(classes.filter((c: string) => c === 'BatchNormalization').length).toBe(10)
    expect(classes.filter((c: string) => c === 'Activation').length).toBe(10)
    const again = await loadModel(join(dir, 'model'))
    expect(batchNorms(again).some((l) => l.reluAfter)).toBe(false)
    expect(fuseBatchNormRelu(again)).toBe(10)
    expect(maxAbsDiff((await step(again))[0], (await step(model))[0])).toBe(0)
    model.dispose()
    again.dispose()
    await rm(dir, { recursive: true, force: true })
  })

  it('leaves a batch norm alone when something besides a ReLU reads it', () => {
    const input = tf.input({ shape: [null, null, 4] })
    const bn = new BatchNorm({})
    const normed = bn.apply(input) as tf.SymbolicTensor
    const relu = tf.layers.activation({ activation: 'relu' }).apply(normed) as tf.SymbolicTensor
    const sum = tf.layers.add().apply([relu, normed]) as tf.SymbolicTensor
    const model = tf.model({ inputs: input, outputs: sum })
    expect(fuseBatchNormRelu(model)).toBe(0)
    expect(bn.reluAfter).toBe(false)
    model.dispose()
  })
})
