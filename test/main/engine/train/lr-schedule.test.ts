import { describe, expect, it } from 'vitest'
import { validateConfig } from '../../../../src-main/engine/config'
import { Prng } from '../../../../src-main/engine/prng'
import {
  afterEpoch,
  initialSchedule,
  lrForEpoch
} from '../../../../src-main/engine/train/lr-schedule'
import { splitIds } from '../../../../src-main/engine/train/data-split'

const opts = {
  schedule: 'cosine' as const,
  lr: 1e-3,
  minLr: 0,
  epochs: 5,
  plateauPatience: 2,
  plateauFactor: 0.5,
  earlyStop: 3
}

describe('schedules, early stopping, split, PRNG, config', () => {
  it('cosine runs from lr to minLr', () => {
    const s = initialSchedule(opts)
    expect(lrForEpoch(opts, s, 1)).toBeCloseTo(1e-3)
    expect(lrForEpoch(opts, s, 3)).toBeCloseTo(5e-4)
    expect(lrForEpoch(opts, s, 5)).toBeCloseTo(0)
  })

  it('reduces on plateau and stops early', () => {
    const o = { ...opts, schedule: 'plateau' as const }
    let s = initialSchedule(o)
    const steps = [1, 0.9, 0.95, 0.95, 0.95].map((loss, i) => {
      const r = afterEpoch(o, s, i + 1, loss)
      s = r.state
      return { lr: s.lr, stop: r.stop, improved: r.improved }
    })
    expect(steps.map((x) => x.improved)).toEqual([true, true, false, false, false])
    expect(steps[3].lr).toBeCloseTo(5e-4)
    expect(steps.map((x) => x.stop)).toEqual([false, false, false, false, true])
    expect(s.bestEpoch).toBe(2)
  })

  it('splits by seed, disjoint and complete, independent of input order', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `s${i}`)
    const a = splitIds(ids, 0.2, 41)
    expect(a.val).toHaveLength(4)
    expect(new Set([...a.train, ...a.val]).size).toBe(20)
    expect(splitIds([...ids].reverse(), 0.2, 41)).toEqual(a)
    expect(splitIds(ids, 0.2, 42)).not.toEqual(a)
  })

  it('block split keeps a contiguous run of naturally ordered ids', () => {
    const ids = Array.from({ length: 24 }, (_, i) => `${i}`)
    const { val, train } = splitIds(ids, 0.25, 41, 'block')
    expect(val).toHaveLength(6)
    const nums = val.map(Number)
    expect(nums).toEqual(Array.from({ length: 6 }, (_, k) => nums[0] + k))
    expect(train).toHaveLength(18)
  })

  it('restores the PRNG from its state', () => {
    const r = new Prng(5)
    r.next()
    const copy = new Prng(r.state())
    expect([r.next(), r.next()]).toEqual([copy.next(), copy.next()])
  })

  it('fills defaults and rejects bad values', () => {
    const c = validateConfig({ data: 'd', out: 'o' })
    expect([c.arch, c.size, c.base, c.depth, c.loss, c.seed, c.patches]).toEqual([
      'unet',
      96,
      16,
      4,
      'bce-dice',
      41,
      4
    ])
    expect(() => validateConfig({ data: 'd', out: 'o', arch: 'segnet' as 'unet' })).toThrow(/arch/)
    expect(() => validateConfig({ data: 'd', out: 'o', size: 100 })).toThrow(/multiple of 2\^depth/)
    expect(() => validateConfig({ data: 'd', out: 'o', loss: 'ce' })).toThrow(/classes/)
  })
})
