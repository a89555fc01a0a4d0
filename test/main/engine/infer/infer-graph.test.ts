import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { buildInferGraph } from '../../../../src-main/engine/infer/infer-graph'
import { createModel, inferenceView, type ModelConfig } from '../../../../src-main/engine/models'
import type { RunConfig } from '../../../../src-main/engine/config'
import { predictorFor } from '../../../../src-main/engine/infer/load-predictor'
import { tf } from '../../../../src-main/engine/backend/tf'

const BASE: ModelConfig = {
  arch: 'unet',
  channels: 3,
  classes: 1,
  base: 4,
  depth: 2,
  batchNorm: true,
  dropout: 0.2,
  upsample: 'bilinear',
  deepSupervision: false,
  seed: 3
}

/** Moves the BN statistics and scales away from 0/1 so folding them is really tested. */
function randomiseBatchNorms(model: tf.LayersModel): void {
  let seed = 10
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue
    const [gamma, beta, mean, variance] = layer.getWeights()
    layer.setWeights([
      tf.randomUniform(gamma.shape, 0.5, 1.5, 'float32', seed++),
      tf.randomNormal(beta.shape, 0, 0.3, 'float32', seed++),
      tf.randomNormal(mean.shape, 0, 0.5, 'float32', seed++),
      tf.randomUniform(variance.shape, 0.3, 2, 'float32', seed++)
    ])
  }
}

const CASES: [string, Partial<ModelConfig>][] = [
  ['U-Net, bilinear', {}],
  ['U-Net, transposed, 2 classes', { upsample: 'transpose', classes: 2 }],
  ['UNet++, bilinear, deep supervision', { arch: 'unetpp', deepSupervision: true }],
  ['UNet++, transposed, no BN', { arch: 'unetpp', upsample: 'transpose', batchNorm: false }]
]

describe('inference graph (BN folded into convs, ReLU fused)', () => {
  let x: tf.Tensor4D
  beforeAll(async () => {
    await initBackend('wasm')
    x = tf.randomNormal([2, 32, 48, 3], 0, 1, 'float32', 7)
  })
  afterAll(() => x.dispose())

  for (const [label, overrides] of CASES) {
    it(`matches model.predict: ${label}`, async () => {
      const cfg = { ...BASE, ...overrides }
      const model = inferenceView(createModel(cfg))
      randomiseBatchNorms(model)
      const graph = buildInferGraph(model)
      expect(graph).not.toBeNull()
      const convs = model.layers.filter((l) => l.getClassName() === 'Conv2D').length
      expect(graph!.folded.batchNorms).toBe(cfg.batchNorm ? convs - 1 : 0)
      expect(graph!.folded.activations).toBe(convs - 1)
      const want = model.predict(x) as tf.Tensor
      const before = tf.memory().numTensors
      const got = graph!.predict(x)
      expect(tf.memory().numTensors).toBe(before + 1)
      expect(got.shape).toEqual(want.shape)
      const [a, b] = [await got.data(), await want.data()]
      let diff = 0
      let scale = 0
      for (let i = 0; i < a.length; i++) {
        diff = Math.max(diff, Math.abs(a[i] - b[i]))
        scale = Math.max(scale, Math.abs(b[i]))
      }
      expect(diff).toBeLessThanOrEqual(1e-4 * scale + 1e-6)
      tf.dispose([got, want])
      graph!.dispose()
      model.dispose()
    })
  }

  it('is what loaded predictors run, and disposing the model frees its weights', async () => {
    const before = tf.memory().numTensors
    const model = inferenceView(createModel(BASE))
    const config = { ...BASE, size: 32, output: 'logits' } as unknown as RunConfig
    const predictor = predictorFor(model, config)
    expect(predictor.forward).toBeDefined()
    const [a, b] = [predictor.forward!(x), model.predict(x) as tf.Tensor]
    expect(a.shape).toEqual(b.shape)
    tf.dispose([a, b])
    model.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('returns null for a layer it does not know', () => {
    const input = tf.input({ shape: [8, 8, 1] })
    const out = tf.layers.zeroPadding2d({ padding: 1 }).apply(input) as tf.SymbolicTensor
    const model = tf.model({ inputs: input, outputs: out })
    expect(buildInferGraph(model)).toBeNull()
    model.dispose()
  })
})
