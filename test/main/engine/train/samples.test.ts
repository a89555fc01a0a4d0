import { describe, expect, it } from 'vitest'
import { Prng } from '../../../../src-main/engine/prng'
import { type LoadedSample, randomPatches } from '../../../../src-main/engine/train/samples'

/** A 400 × 300 image whose only object is a 6 × 6 square at (350, 20). */
function sparse(): LoadedSample {
  const [w, h] = [400, 300]
  const label = new Uint8Array(w * h)
  for (let y = 20; y < 26; y++) for (let x = 350; x < 356; x++) label[y * w + x] = 1
  return {
    id: 'sparse',
    image: { data: new Float32Array(w * h), width: w, height: h, channels: 1 },
    label,
    mean: 0,
    std: 1,
    sign: 1
  }
}

describe('random training patches', () => {
  const size = 64
  const holds = (s: LoadedSample, r: { x: number; y: number }) => {
    for (let y = r.y; y < r.y + size; y++)
      for (let x = r.x; x < r.x + size; x++) if (s.label[y * s.image.width + x]) return true
    return false
  }

  it('placed on objects, every patch holds labelled pixels, at varied positions', () => {
    const s = sparse()
    const refs = randomPatches([s], size, 200, new Prng(3), 1)
    expect(refs.every((r) => holds(s, r))).toBe(true)
    expect(refs.every((r) => r.x >= 0 && r.y >= 0 && r.x + size <= 400 && r.y + size <= 300)).toBe(
      true
    )
    expect(new Set(refs.map((r) => `${r.x},${r.y}`)).size).toBeGreaterThan(50)
  })

  it('anywhere, most miss a small object; without objects it draws as before', () => {
    const s = sparse()
    const anywhere = randomPatches([s], size, 200, new Prng(3))
    expect(anywhere.filter((r) => holds(s, r)).length).toBeLessThan(40)
    expect(randomPatches([s], size, 50, new Prng(9), 0)).toEqual(
      randomPatches([s], size, 50, new Prng(9))
    )
    const half = randomPatches([s], size, 400, new Prng(4), 0.5)
    const share = half.filter((r) => holds(s, r)).length / half.length
    expect(share).toBeGreaterThan(0.45)
    expect(share).toBeLessThan(0.75)
  })
})
