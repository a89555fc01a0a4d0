import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { readImage } from '../../../../src-main/data/image-io'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { createModel } from '../../../../src-main/engine/models'
import { normalizeImage } from '../../../../src-main/engine/normalize'
import { predictImage, type Predictor } from '../../../../src-main/engine/infer/predict-image'
import { tf } from '../../../../src-main/engine/backend/tf'
import { DSB_ROOT } from '../postprocess/helpers'

const ID = '0287e7ee5b007c91ae2bd7628d09735e70496bc6127ecb7f3dd043e04ce37426'

/** A fully convolutional net with a 5×5 receptive field (two 3×3 convs + BN + 1×1 head). */
function smallNet(): tf.LayersModel {
  const input = tf.input({ shape: [null, null, 1] })
  let x = tf.layers
    .conv2d({
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      kernelInitializer: tf.initializers.heNormal({ seed: 1 })
    })
    .apply(input) as tf.SymbolicTensor
  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor
  x = tf.layers.activation({ activation: 'relu' }).apply(x) as tf.SymbolicTensor
  x = tf.layers
    .conv2d({
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: tf.initializers.heNormal({ seed: 2 })
    })
    .apply(x) as tf.SymbolicTensor
  const out = tf.layers
    .conv2d({
      filters: 1,
      kernelSize: 1,
      kernelInitializer: tf.initializers.glorotUniform({ seed: 3 })
    })
    .apply(x) as tf.SymbolicTensor
  return tf.model({ inputs: input, outputs: out })
}

describe('predictImage (overlap-tile inference)', () => {
  let image: { data: Float32Array; width: number; height: number; channels: number }
  beforeAll(async () => {
    await initBackend()
    image = normalizeImage(await readImage(join(DSB_ROOT, ID, 'images', `${ID}.png`)), 1)
  })

  it('equals the whole-image prediction exactly when the overlap covers the receptive field', async () => {
    const predictor: Predictor = {
      model: smallNet(),
      channels: 1,
      classes: 1,
      divisor: 1,
      activation: 'sigmoid'
    }
    const before = tf.memory().numTensors
    const whole = await predictImage(predictor, image, { tile: 0 })
    const tiled = await predictImage(predictor, image, { tile: 48, overlap: 16, batchSize: 4 })
    expect(tf.memory().numTensors).toBe(before)
    const { width, height } = image
    let maxDiff = 0
    for (let y = 2; y < height - 2; y++) {
      for (let x = 2; x < width - 2; x++) {
        maxDiff = Math.max(maxDiff, Math.abs(whole.data[y * width + x] - tiled.data[y * width + x]))
      }
    }
    expect(maxDiff).toBeLessThan(1e-4)
    predictor.model.dispose()
  })

  it('agrees with the whole-image U-Net prediction on a real image, any size', async () => {
    const model = createModel({
      arch: 'unet',
      channels: 1,
      classes: 1,
      base: 8,
      depth: 3,
      batchNorm: true,
      dropout: 0,
      upsample: 'bilinear',
      deepSupervision: false,
      seed: 5
    })
    const predictor: Predictor = {
      model,
      channels: 1,
      classes: 1,
      divisor: 8,
      activation: 'sigmoid'
    }
    const crop = { ...image, width: 203, height: 150, data: new Float32Array(203 * 150) }
    for (let y = 0; y < 150; y++)
      crop.data.set(image.data.subarray(y * image.width, y * image.width + 203), y * 203)
    const whole = await predictImage(predictor, crop, { tile: 0 })
    const tiled = await predictImage(predictor, crop, { tile: 64, overlap: 32 })
    expect(tiled.width).toBe(203)
    expect(tiled.height).toBe(150)
    const a = whole.data
    const b = tiled.data
    const mean = (v: Float32Array): number => v.reduce((s, x) => s + x, 0) / v.length
    const [ma, mb] = [mean(a), mean(b)]
    let cov = 0
    let va = 0
    let vb = 0
    for (let i = 0; i < a.length; i++) {
      cov += (a[i] - ma) * (b[i] - mb)
      va += (a[i] - ma) ** 2
      vb += (b[i] - mb) ** 2
    }
    expect(cov / Math.sqrt(va * vb)).toBeGreaterThan(0.95)
    const half = await predictImage(predictor, crop, { tile: 64, overlap: 32, scale: 0.5 })
    expect([half.width, half.height]).toEqual([203, 150])
    model.dispose()
  })
})
