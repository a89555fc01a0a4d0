import { rm } from 'node:fs/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { augmentPreview } from '../../../../src-main/engine/train/augment-preview'
import { copyCamvid, copyIsbi } from '../copy-datasets'

const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

const share = (label: Uint8Array) => label.reduce((n, v) => n + (v ? 1 : 0), 0) / label.length

describe('augmentPreview', () => {
  it('ISBI: the inverted target makes the dark membranes (about a fifth) the foreground', async () => {
    const dir = await copyIsbi([0])
    dirs.push(dir)
    const base = { data: dir, size: 256, classes: 1, augment: null, seed: 3, count: 2 }
    const plain = await augmentPreview({ ...base, invertMask: false })
    const inverted = await augmentPreview({ ...base, invertMask: true })
    expect(plain).toHaveLength(2)
    expect(plain[0]).toMatchObject({ sample: '0', width: 256, height: 256, channels: 1 })
    expect(share(plain[0].label)).toBeGreaterThan(0.65)
    expect(share(inverted[0].label)).toBeLessThan(0.35)
    expect(share(inverted[0].label) + share(plain[0].label)).toBeCloseTo(1, 6)
  })

  it('CamVid: augmented patches keep class indices, are seeded, and differ from the plain cut', async () => {
    const dir = await copyCamvid(1)
    dirs.push(dir)
    const base = { data: dir, size: 96, classes: 11, invertMask: false, seed: 7, count: 3 }
    const augment = { flip: true, rot90: true, affine: 1, elastic: 1, intensity: 1, noise: 0.05 }
    const a = await augmentPreview({ ...base, augment })
    const b = await augmentPreview({ ...base, augment })
    const plain = await augmentPreview({ ...base, augment: null })
    expect(a.map((p) => Buffer.from(p.label).toString('hex'))).toEqual(
      b.map((p) => Buffer.from(p.label).toString('hex'))
    )
    expect(Buffer.from(a[0].image).equals(Buffer.from(plain[0].image))).toBe(false)
    for (const p of a) for (const v of new Set(p.label)) expect(v).toBeLessThanOrEqual(11)
    expect(a[0].channels).toBe(3)
    expect(a[0].image).toHaveLength(96 * 96 * 3)
  })
})
