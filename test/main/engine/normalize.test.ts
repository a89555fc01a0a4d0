import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type AnyImage, readAnyImage } from '../../../src-main/data/image-io'
import {
  normalizationOf,
  normalizeImage,
  polaritySign,
  toUnit
} from '../../../src-main/engine/normalize'
import { DSB, dsbRows } from '../data/support'

/** A 20 × 20 grey image: background `bg`, a 6 × 6 object of value `obj` in the middle. */
function scene(bg: number, obj: number): AnyImage {
  const data = new Uint8Array(400).fill(bg)
  for (let y = 7; y < 13; y++) for (let x = 7; x < 13; x++) data[y * 20 + x] = obj
  return { data, width: 20, height: 20, channels: 1, bitDepth: 8 }
}

const objectValue = (img: { data: Float32Array }) => img.data[10 * 20 + 10]

describe('input normalisation', () => {
  it('finds the bright background of brightfield-like images (median above mean)', () => {
    const unit = (img: AnyImage) => Float32Array.from(img.data, (v) => v / 255)
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length
    const fluorescence = unit(scene(10, 200))
    const brightfield = unit(scene(220, 40))
    expect(polaritySign(fluorescence, mean(fluorescence))).toBe(1)
    expect(polaritySign(brightfield, mean(brightfield))).toBe(-1)
  })

  it('standardises every image; with polarity, objects come out bright in both kinds', () => {
    for (const [bg, obj] of [
      [10, 200],
      [220, 40]
    ]) {
      const plain = normalizeImage(scene(bg, obj), 1)
      const flipped = normalizeImage(scene(bg, obj), 1, 'per-image-standardize-polarity')
      const mean = plain.data.reduce((s, v) => s + v, 0) / plain.data.length
      expect(Math.abs(mean)).toBeLessThan(1e-6)
      expect(Math.sign(objectValue(plain))).toBe(obj > bg ? 1 : -1)
      expect(objectValue(flipped)).toBeGreaterThan(0)
      expect(Array.from(flipped.data)).toEqual(Array.from(plain.data, (v) => (obj > bg ? v : -v)))
    }
  })
})

describe('polarity on the shared DSB2018 images', () => {
  it('inverts the brightfield and stained images and keeps the fluorescence ones', async () => {
    const byGroup = new Map<string, { kept: number; inverted: number }>()
    for (const { id, group } of dsbRows()) {
      const raw = await readAnyImage(join(DSB, 'stage1_train', id, 'images', `${id}.png`))
      const { sign } = normalizationOf(toUnit(raw, 3).data, 'per-image-standardize-polarity')
      const tally = byGroup.get(group) ?? { kept: 0, inverted: 0 }
      tally[sign === 1 ? 'kept' : 'inverted']++
      byGroup.set(group, tally)
    }
    for (const [group, { kept, inverted }] of byGroup) {
      if (group.startsWith('fluorescence'))
        expect({ group, inverted }).toEqual({ group, inverted: 0 })
      else if (group === 'brightfield-gray') expect({ group, kept }).toEqual({ group, kept: 0 })
      else expect({ group, kept: kept <= 1 }).toEqual({ group, kept: true })
    }
    expect(byGroup.get('stained-purple')).toEqual({ kept: 1, inverted: 35 })
  })
})
