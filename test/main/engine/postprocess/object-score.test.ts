import { describe, expect, it } from 'vitest'
import { instanceMetrics } from '../../../../src-main/engine/postprocess/instance-metrics'
import {
  dropFaintObjects,
  objectScores
} from '../../../../src-main/engine/postprocess/object-score'
import { postprocess } from '../../../../src-main/engine/postprocess/postprocess'
import { discs } from './helpers'

const W = 100
const H = 40
// a confident nucleus (0.95), a faint blob (0.6) and a nucleus with a faint rim (0.9 inside, 0.55 rim)
const objects = discs(W, H, [
  [20, 20, 10],
  [50, 20, 8],
  [80, 20, 12]
])
const core = discs(W, H, [[80, 20, 9]])

function map(): Float32Array {
  const p = new Float32Array(W * H)
  for (let i = 0; i < p.length; i++) {
    const l = objects[i]
    p[i] = l === 1 ? 0.95 : l === 2 ? 0.6 : l === 3 ? (core[i] ? 0.9 : 0.55) : 0.02
  }
  return p
}

/** Hand-computed mean of the third disc: its core's pixels at 0.9, the rest at 0.55. */
function rimmedMean(): number {
  let n = 0
  let inner = 0
  for (let i = 0; i < objects.length; i++)
    if (objects[i] === 3) {
      n++
      if (core[i]) inner++
    }
  return (inner * 0.9 + (n - inner) * 0.55) / n
}

describe('object probability floor', () => {
  it('scores each object by its mean probability', () => {
    const s = objectScores({ labels: objects, count: 3 }, map())
    expect(s[0]).toBe(0)
    expect(s[1]).toBeCloseTo(0.95, 6)
    expect(s[2]).toBeCloseTo(0.6, 6)
    expect(s[3]).toBeCloseTo(rimmedMean(), 6)
  })

  it('drops faint objects whole, keeps the others whole and renumbers them', () => {
    const kept = dropFaintObjects({ labels: objects, count: 3 }, map(), 0.7)
    expect(kept.count).toBe(2)
    // each kept object keeps every pixel under one new id (raster order: the rimmed disc starts higher)
    const newId = new Map<number, Set<number>>()
    for (let i = 0; i < objects.length; i++) {
      if (objects[i] === 0 || objects[i] === 2) expect(kept.labels[i]).toBe(0)
      else newId.set(objects[i], (newId.get(objects[i]) ?? new Set()).add(kept.labels[i]))
    }
    expect([...newId.get(3)!]).toEqual([1])
    expect([...newId.get(1)!]).toEqual([2])
    expect(dropFaintObjects({ labels: objects, count: 3 }, map(), 0).count).toBe(3)
    expect(dropFaintObjects({ labels: objects, count: 3 }, map(), 0.99).count).toBe(0)
  })

  it('is post-processing’s last step: mask and instances lose the faint blob only', () => {
    const probability = { data: map(), width: W, height: H, channels: 1 }
    const all = postprocess(probability, { instances: 'split', minSize: 10 })
    const floored = postprocess(probability, { instances: 'split', minSize: 10, minScore: 0.7 })
    expect(all.instances!.count).toBe(3)
    expect(floored.instances!.count).toBe(2)
    const truth = Int32Array.from(objects, (l) => (l === 2 ? 0 : l))
    expect(instanceMetrics(truth, floored.instances!.labels, W, H, 0.9).f1).toBe(1)
    const area = (m: Uint8Array) => m.reduce((n, v) => n + v, 0)
    const blob = objects.reduce((n, l) => n + (l === 2 ? 1 : 0), 0)
    expect(area(floored.mask)).toBe(area(all.mask) - blob)
    // a mask-only post-processing drops the same object
    const maskOnly = postprocess(probability, { instances: 'none', minScore: 0.7 })
    expect(maskOnly.instances).toBeUndefined()
    expect(Array.from(maskOnly.mask)).toEqual(Array.from(floored.mask))
  })

  it('reads a two-channel binary map as 1 − P(background)', () => {
    const p = map()
    const data = new Float32Array(W * H * 2)
    for (let i = 0; i < p.length; i++) {
      data[2 * i] = 1 - p[i]
      data[2 * i + 1] = p[i]
    }
    const r = postprocess({ data, width: W, height: H, channels: 2 }, { minScore: 0.7 })
    expect(r.instances!.count).toBe(2)
  })
})
