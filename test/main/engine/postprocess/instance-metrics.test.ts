import { describe, expect, it } from 'vitest'
import { instanceMetrics } from '../../../../src-main/engine/postprocess/instance-metrics'
import { discs } from './helpers'

describe('instanceMetrics', () => {
  const gt = discs(64, 64, [
    [12, 12, 6],
    [40, 12, 6],
    [12, 44, 6],
    [44, 44, 8]
  ])

  it('scores a perfect prediction (ids permuted) as F1 = 1', () => {
    const pred = gt.map((v) => (v ? 5 - v : 0))
    const m = instanceMetrics(gt, pred, 64, 64)
    expect(m).toMatchObject({ tp: 4, fp: 0, fn: 0, f1: 1, ap: 1, pixelIou: 1 })
  })

  it('counts a missed object as a false negative', () => {
    const pred = gt.map((v) => (v === 4 ? 0 : v))
    const m = instanceMetrics(gt, pred, 64, 64)
    expect(m).toMatchObject({ tp: 3, fp: 0, fn: 1 })
    expect(m.f1).toBeCloseTo(6 / 7, 10)
    expect(m.ap).toBeCloseTo(3 / 4, 10)
  })

  it('counts two merged objects as one FP and two FN', () => {
    const pred = gt.map((v) => (v === 2 ? 1 : v))
    const m = instanceMetrics(gt, pred, 64, 64)
    expect(m).toMatchObject({ tp: 2, fp: 1, fn: 2 })
    expect(m.f1).toBeCloseTo(4 / 7, 10)
  })

  it('rejects a match below the IoU threshold', () => {
    const shifted = discs(64, 64, [[20, 12, 6]])
    const m = instanceMetrics(discs(64, 64, [[12, 12, 6]]), shifted, 64, 64, 0.5)
    expect(m).toMatchObject({ tp: 0, fp: 1, fn: 1, f1: 0 })
    expect(instanceMetrics(new Int32Array(16), new Int32Array(16), 4, 4).f1).toBe(1)
  })
})
