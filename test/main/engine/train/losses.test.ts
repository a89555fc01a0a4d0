import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import {
  bceDiceLoss,
  bceLoss,
  computeLoss,
  diceLoss,
  focalLoss
} from '../../../../src-main/engine/train/losses'
import { tf } from '../../../../src-main/engine/backend/tf'

beforeAll(async () => {
  await initBackend('cpu')
})

const val = (t: tf.Scalar) => {
  const v = t.dataSync()[0]
  t.dispose()
  return v
}
const bin = (logits: number[], labels: number[]) =>
  [
    tf.tensor4d(logits, [1, 1, logits.length, 1]),
    tf.tensor4d(labels, [1, 1, labels.length, 1])
  ] as const

describe('binary losses', () => {
  it('BCE of logit 0 is ln 2, whatever the label; class weights give a weighted mean', () => {
    const [x, y] = bin([0, 0], [0, 1])
    expect(val(bceLoss(x, y))).toBeCloseTo(Math.LN2, 6)
    const [x2, y2] = bin([0, 100], [1, 0])
    // pixel losses ln2 (label 1, weight 3) and 100 (label 0, weight 1): (3 ln2 + 100) / 4
    expect(val(bceLoss(x2, y2, [1, 3]))).toBeCloseTo((3 * Math.LN2 + 100) / 4, 4)
  })

  it('Dice is 0 for a confident perfect prediction and (1 - 1/3) for sigmoid 0.5 on one of two pixels', () => {
    const [x, y] = bin([50, -50], [1, 0])
    expect(val(diceLoss(x, y))).toBeCloseTo(0, 5)
    const [x2, y2] = bin([0, -50], [0, 0])
    // p = [0.5, 0]: 1 - (0 + 1) / (0.5 + 0 + 1)
    expect(val(diceLoss(x2, y2))).toBeCloseTo(1 - 1 / 1.5, 5)
    expect(val(bceDiceLoss(x2, y2))).toBeCloseTo(
      (0.5 * (Math.LN2 + Math.log1p(Math.exp(-50)))) / 2 + 1 - 1 / 1.5,
      5
    )
  })

  it('focal with gamma 0 equals BCE; with gamma 2 at p = 0.5 it is BCE / 4', () => {
    const [x, y] = bin([0, 0], [1, 0])
    expect(val(focalLoss(x, y, 0))).toBeCloseTo(Math.LN2, 6)
    expect(val(focalLoss(x, y, 2))).toBeCloseTo(Math.LN2 / 4, 6)
  })
})

describe('multi-class losses', () => {
  it('cross-entropy of uniform logits is ln C and ignores the ignore index', () => {
    const logits = tf.tensor4d([0, 0, 0, 10, 0, 0], [1, 1, 2, 3])
    const labels = tf.tensor3d([2, 11], [1, 1, 2], 'int32')
    expect(
      val(computeLoss(logits, labels, { loss: 'ce', classes: 3, ignoreIndex: 11 }))
    ).toBeCloseTo(Math.log(3), 6)
  })

  it('class weights weight each pixel by its true class', () => {
    const logits = tf.tensor4d([0, 0, 10, 0], [1, 1, 2, 2])
    const labels = tf.tensor3d([0, 1], [1, 1, 2], 'int32')
    const l0 = Math.LN2
    const l1 = Math.log1p(Math.exp(10))
    const got = val(computeLoss(logits, labels, { loss: 'ce', classes: 2, classWeights: [1, 4] }))
    expect(got).toBeCloseTo((l0 + 4 * l1) / 5, 4)
  })

  it('multi-class Dice is 0 for a perfect confident prediction', () => {
    const logits = tf.tensor4d([20, 0, 0, 20], [1, 1, 2, 2])
    const labels = tf.tensor3d([0, 1], [1, 1, 2], 'int32')
    expect(val(computeLoss(logits, labels, { loss: 'dice', classes: 2 }))).toBeCloseTo(0, 4)
  })

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors
    const [x, y] = bin([1, -1], [1, 0])
    val(bceDiceLoss(x, y))
    tf.dispose([x, y])
    expect(tf.memory().numTensors).toBe(before)
  })
})
