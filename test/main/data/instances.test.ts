import { describe, expect, it } from 'vitest'
import { scanDataset } from '../../../src-main/data/dataset'
import {
  boundaryFromInstances,
  labelComponents,
  mergeInstances
} from '../../../src-main/data/instances'
import { readInstanceMap } from '../../../src-main/data/labels'
import { DSB, decodeFirstChannel, oneIdPerGroup } from './support'

describe('instance maps on real DSB2018 samples (one per group)', async () => {
  const wanted = new Set(oneIdPerGroup())
  const samples = (await scanDataset(DSB)).samples.filter((s) => wanted.has(s.id))

  it.each(samples.map((s) => [s.id.slice(0, 8), s] as const))(
    '%s: one id per mask with exactly its pixels; boundary ∪ interior = union',
    async (_, sample) => {
      const files = sample.instanceMaskPaths!
      const map = await readInstanceMap(sample)
      const { ids, width, height } = map
      expect([map.instances, map.overlaps]).toEqual([files.length, 0])
      const counts = new Uint32Array(files.length + 1)
      for (let i = 0; i < ids.length; i++) counts[ids[i]]++
      for (let k = 0; k < files.length; k++) {
        const m = await decodeFirstChannel(files[k])
        let n = 0
        for (let i = 0; i < ids.length; i++) {
          if ((m.data[i] !== 0) !== (ids[i] === k + 1)) throw new Error(`${files[k]} pixel ${i}`)
          if (m.data[i] !== 0) n++
        }
        expect(counts[k + 1]).toBe(n)
        expect(n).toBeGreaterThan(0)
      }
      const b = boundaryFromInstances(ids, width, height)
      let edges = 0
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const i = y * width + x
          if ((b[i] === 0) !== (ids[i] === 0)) throw new Error(`foreground differs at ${x},${y}`)
          if (b[i] === 0) continue
          const near = [
            x > 0 ? ids[i - 1] : ids[i],
            x < width - 1 ? ids[i + 1] : ids[i],
            y > 0 ? ids[i - width] : ids[i],
            y < height - 1 ? ids[i + width] : ids[i]
          ]
          const touches = near.some((v) => v !== ids[i])
          if (touches !== (b[i] === 2)) throw new Error(`boundary class wrong at ${x},${y}`)
          if (touches) edges++
        }
      }
      expect(edges).toBeGreaterThan(files.length * 4)
    }
  )
})

describe('instance helpers', () => {
  it('later mask wins on overlap and overlapping pixels are counted once', () => {
    const a = Uint8Array.from([1, 1, 0, 0, 1, 1])
    const b = Uint8Array.from([0, 255, 255, 0, 0, 1])
    const c = Uint8Array.from([0, 1, 1, 0, 0, 0])
    const map = mergeInstances([a, b, c], 3, 2)
    expect([...map.ids]).toEqual([1, 3, 3, 0, 1, 2])
    expect([map.instances, map.overlaps]).toEqual([3, 3])
  })

  it('labels 4-connected components', () => {
    // diagonal neighbours are separate regions
    const m = Uint8Array.from([1, 0, 1, 1, 0, 1, 0, 1, 0])
    const { ids, instances } = labelComponents(m, 3, 3)
    expect(instances).toBe(3)
    expect([...ids]).toEqual([1, 0, 2, 1, 0, 2, 0, 3, 0])
  })
})
