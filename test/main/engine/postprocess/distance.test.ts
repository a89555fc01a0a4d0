import { describe, expect, it } from 'vitest'
import { distanceTransform } from '../../../../src-main/engine/postprocess/distance'

function bruteForce(mask: Uint8Array, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h)
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p]) continue
    let best = Infinity
    for (let q = 0; q < mask.length; q++) {
      if (mask[q]) continue
      const d = ((p % w) - (q % w)) ** 2 + (Math.floor(p / w) - Math.floor(q / w)) ** 2
      if (d < best) best = d
    }
    out[p] = Math.sqrt(best)
  }
  return out
}

describe('distanceTransform', () => {
  it('matches a brute-force Euclidean distance on random masks', () => {
    let seed = 7
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (const [w, h] of [
      [23, 17],
      [8, 31]
    ]) {
      const mask = Uint8Array.from({ length: w * h }, () => (rand() < 0.8 ? 1 : 0))
      mask[0] = 0
      const fast = distanceTransform(mask, w, h)
      const slow = bruteForce(mask, w, h)
      for (let i = 0; i < mask.length; i++) expect(fast[i]).toBeCloseTo(slow[i], 4)
    }
  })

  it('treats the image border as background on request', () => {
    const mask = new Uint8Array(25).fill(1)
    const d = distanceTransform(mask, 5, 5, true)
    expect(d[12]).toBe(3)
    expect(d[0]).toBe(1)
  })
})
