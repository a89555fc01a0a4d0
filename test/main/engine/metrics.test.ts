import { describe, expect, it } from 'vitest'
import {
  accumulate,
  medianFrequencyWeights,
  createConfusion,
  logitsToClasses,
  scores
} from '../../../src-main/engine/metrics'

describe('pixel metrics', () => {
  it('computes foreground IoU and Dice by hand', () => {
    // truth 1 1 0 0, pred 1 0 1 0: TP 1, FP 1, FN 1 → IoU 1/3, Dice 2/4
    const s = scores(accumulate(createConfusion(1), [1, 0, 1, 0], [1, 1, 0, 0]))
    expect(s.mainIou).toBeCloseTo(1 / 3)
    expect(s.mainDice).toBeCloseTo(0.5)
    expect(s.iou[0]).toBeCloseTo(1 / 3)
  })

  it('gives per-class IoU and mean IoU, skipping the ignore index and absent classes', () => {
    const conf = createConfusion(4)
    accumulate(conf, [0, 1, 1, 2, 0], [0, 1, 2, 2, 11], 11)
    const s = scores(conf)
    expect(s.iou.slice(0, 3)).toEqual([1, 0.5, 0.5])
    expect(s.iou[3]).toBe(1)
    expect(s.meanIou).toBeCloseTo(2 / 3)
  })

  it('turns logits into classes', () => {
    expect([...logitsToClasses(Float32Array.from([-1, 2, 0]), 1)]).toEqual([0, 1, 0])
    expect([...logitsToClasses(Float32Array.from([1, 3, 2, 5, 0, 1]), 3)]).toEqual([1, 0])
  })

  it('computes median-frequency class weights, skipping the ignore index', () => {
    // class 0: 4 px, class 1: 2 px, class 2: 1 px (11 ignored): freq 4/7, 2/7, 1/7, median 2/7
    const w = medianFrequencyWeights([Uint8Array.from([0, 0, 0, 0, 1, 1, 2, 11, 11])], 4, 11)
    expect(w[0]).toBeCloseTo(0.5)
    expect(w[1]).toBeCloseTo(1)
    expect(w[2]).toBeCloseTo(2)
    expect(w[3]).toBe(0)
  })
})
