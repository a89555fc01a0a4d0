import { describe, expect, it } from 'vitest'
import {
  buildInstanceTarget,
  INSTANCE_PLANES,
  normalizedDistance,
  touchingWeights
} from '../../../../src-main/engine/targets/instance-target'
import { labelComponents } from '../../../../src-main/engine/postprocess/components'
import { discs } from '../postprocess/helpers'

const W = 90
const H = 50
/** Two discs of radius 15 whose edges overlap: the second one's pixels win, so they touch. */
const ids = Uint16Array.from(
  discs(W, H, [
    [28, 25, 15],
    [55, 25, 15]
  ])
)
const plane = (t: Float32Array, k: number) =>
  Float32Array.from({ length: W * H }, (_, i) => t[i * INSTANCE_PLANES + k])

describe('instance targets from an id map', () => {
  const target = buildInstanceTarget(ids, W, H)
  const cls = plane(target, 0)
  const dist = plane(target, 1)
  const weight = plane(target, 2)

  it('gives touching discs separate interiors, ringed by boundary pixels', () => {
    expect(labelComponents(ids, W, H, 8).count).toBe(1)
    const interior = labelComponents(
      cls.map((c) => (c === 1 ? 1 : 0)),
      W,
      H,
      8
    )
    expect(interior.count).toBe(2)
    for (let i = 0; i < ids.length; i++) expect(cls[i] > 0).toBe(ids[i] > 0)
    expect([39, 40].map((x) => ids[25 * W + x])).toEqual([1, 2])
    expect([39, 40].map((x) => cls[25 * W + x])).toEqual([2, 2])
  })

  it('normalises each object’s distance to its border: 1 at the centre, low at the seam', () => {
    for (const id of [1, 2]) expect(Math.max(...dist.filter((_, i) => ids[i] === id))).toBe(1)
    expect(dist[25 * W + 55]).toBeCloseTo(1, 5)
    expect(dist[25 * W + 39]).toBeLessThan(0.1)
    expect(dist[25 * W + 40]).toBeLessThan(0.1)
    expect(dist[2 * W + 2]).toBe(0)
    const peaks = labelComponents(
      dist.map((d) => (d >= 0.5 ? 1 : 0)),
      W,
      H,
      8
    )
    expect(peaks.count).toBe(2)
    expect(normalizedDistance(ids, W, H)).toEqual(dist)
  })

  it('weighs the pixels between two near objects most (U-Net weight map), far ones 1', () => {
    expect(weight[25 * W + 40]).toBeGreaterThan(8)
    expect(weight[25 * W + 35]).toBeGreaterThan(weight[25 * W + 28])
    expect(weight[25 * W + 28]).toBeLessThan(2)
    expect(weight[2 * W + 88]).toBe(1)
    expect(weight[25 * W + 66]).toBe(1)
    expect(touchingWeights(ids, W, H, { w0: 0, sigma: 5 }).every((v) => v === 1)).toBe(true)
  })

  it('does not count the image edge as an object border', () => {
    const cut = new Uint16Array(20 * 10)
    for (let y = 0; y < 10; y++) for (let x = 0; x < 6; x++) cut[y * 20 + x] = 1
    const d = normalizedDistance(cut, 20, 10)
    expect(d[5 * 20]).toBeCloseTo(1, 5)
    expect(d[5 * 20 + 5]).toBeLessThan(0.2)
  })

  it('caps the normalisation: large objects get a core of 1s, small ones still peak at 1', () => {
    const capped = normalizedDistance(ids, W, H, 5)
    expect(capped[25 * W + 55]).toBe(1)
    const core = capped.filter((d) => d === 1).length
    expect(core).toBeGreaterThan(200)
    expect(capped[25 * W + 40]).toBeCloseTo(dist[25 * W + 40] * (15 / 5), 1)
    const small = Uint16Array.from(discs(W, H, [[20, 20, 3]]))
    const d = normalizedDistance(small, W, H, 5)
    expect(Math.max(...d)).toBe(1)
    expect(d.filter((v) => v === 1).length).toBeLessThan(5)
  })
})
