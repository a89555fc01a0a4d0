import { describe, expect, it } from 'vitest'
import { labelComponents } from '../../../../src-main/engine/postprocess/components'
import { instanceMetrics } from '../../../../src-main/engine/postprocess/instance-metrics'
import { splitTouching } from '../../../../src-main/engine/postprocess/split-touching'
import { discs, labelsConnected, readDsbInstances } from './helpers'

describe('splitTouching', () => {
  const pair = discs(80, 50, [
    [25, 25, 14],
    [50, 25, 14]
  ])
  const mask = pair.map((v) => (v ? 1 : 0))

  it('splits two touching discs into two objects', () => {
    expect(labelComponents(mask, 80, 50).count).toBe(1)
    for (const markers of ['h-maxima', 'peaks'] as const) {
      const split = splitTouching(mask, 80, 50, { markers, minDistance: 8 })
      expect(split.count).toBe(2)
      expect(instanceMetrics(pair, split.labels, 80, 50, 0.9).f1).toBe(1)
    }
  })

  it('splits at a low-probability neck with probability seeds', () => {
    const prob = new Float32Array(80 * 50)
    for (let y = 0; y < 50; y++) {
      for (let x = 0; x < 80; x++) {
        const d = Math.min(Math.hypot(x - 25, y - 25), Math.hypot(x - 50, y - 25))
        prob[y * 80 + x] = mask[y * 80 + x] ? Math.max(0.5, 1 - d / 30) : 0
      }
    }
    const split = splitTouching(mask, 80, 50, { markers: 'probability', seedThreshold: 0.8 }, prob)
    expect(split.count).toBe(2)
    expect(instanceMetrics(pair, split.labels, 80, 50, 0.9).f1).toBe(1)
  })

  it('keeps a single disc whole', () => {
    const one = discs(40, 40, [[20, 20, 12]]).map((v) => (v ? 1 : 0))
    expect(splitTouching(one, 40, 40).count).toBe(1)
  })

  it('gives connected, distinct ids on real DSB2018 nuclei', async () => {
    const id = '0287e7ee5b007c91ae2bd7628d09735e70496bc6127ecb7f3dd043e04ce37426'
    const gt = await readDsbInstances(id)
    const fg = gt.labels.map((v) => (v ? 1 : 0))
    const cc = labelComponents(fg, gt.width, gt.height)
    const split = splitTouching(fg, gt.width, gt.height, { h: 2 })
    expect(labelsConnected(split.labels, gt.width, gt.height, split.count)).toBe(true)
    expect(split.labels.reduce((a, v) => a + (v ? 1 : 0), 0)).toBe(fg.reduce((a, v) => a + v, 0))
    const f1cc = instanceMetrics(gt.labels, cc.labels, gt.width, gt.height).f1
    const f1split = instanceMetrics(gt.labels, split.labels, gt.width, gt.height).f1
    expect(f1split).toBeGreaterThan(0.85)
    expect(f1split).toBeGreaterThanOrEqual(f1cc - 0.05)
  })
})
