import { describe, expect, it } from 'vitest'
import { augmentPatch, flipRotate, type Patch } from '../../../../src-main/engine/train/augment'
import { augmentSchema } from '../../../../src-main/engine/config'
import { Prng } from '../../../../src-main/engine/prng'

/** A random blob label and an image that equals it (one channel). */
function blobs(size: number, seed: number, classes = 2): Patch {
  const rng = new Prng(seed)
  const label = new Uint8Array(size * size)
  for (let b = 0; b < 6; b++) {
    const cx = rng.uniform(0, size)
    const cy = rng.uniform(0, size)
    const r = rng.uniform(4, 10)
    const cls = 1 + rng.int(classes - 1)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) label[y * size + x] = cls
  }
  return { image: Float32Array.from(label), label, width: size, height: size, channels: 1 }
}

const geometry = augmentSchema.parse({ intensity: 0, affine: 1, elastic: 1 })

describe('augmentPatch', () => {
  it('flips and quarter turns move image and label identically (exact)', () => {
    const p = blobs(32, 1)
    for (let k = 0; k < 4; k++) {
      const q = flipRotate(p, k % 2 === 0, k > 1, k)
      expect(Array.from(q.image)).toEqual(Array.from(q.label))
    }
  })

  it('flips and quarter turns put every pixel where the coordinate maps say', () => {
    for (const [w, h, c] of [
      [5, 5, 3],
      [6, 4, 1],
      [4, 7, 2]
    ]) {
      const image = Float32Array.from({ length: w * h * c }, (_, i) => i)
      const label = Uint8Array.from({ length: w * h }, (_, i) => i)
      const p: Patch = { image, label, width: w, height: h, channels: c }
      for (let k = 0; k < 4; k++) {
        for (const [flipX, flipY] of [
          [false, false],
          [true, false],
          [false, true],
          [true, true]
        ]) {
          const q = flipRotate(p, flipX, flipY, k)
          expect([q.width, q.height]).toEqual(k % 2 ? [h, w] : [w, h])
          for (let y = 0; y < q.height; y++) {
            for (let x = 0; x < q.width; x++) {
              let [u, v] = [
                [x, y],
                [y, h - 1 - x],
                [w - 1 - x, h - 1 - y],
                [w - 1 - y, x]
              ][k]
              if (flipX) u = w - 1 - u
              if (flipY) v = h - 1 - v
              const dst = y * q.width + x
              expect(q.label[dst]).toBe(v * w + u)
              for (let ch = 0; ch < c; ch++)
                expect(q.image[dst * c + ch]).toBe((v * w + u) * c + ch)
            }
          }
        }
      }
    }
  })

  it('affine and elastic warps keep image and label aligned', () => {
    for (let seed = 0; seed < 5; seed++) {
      const q = augmentPatch(blobs(48, seed), geometry, new Prng(seed))
      let agree = 0
      for (let i = 0; i < q.label.length; i++) if (Math.round(q.image[i]) === q.label[i]) agree++
      expect(agree / q.label.length).toBeGreaterThan(0.97)
    }
  })

  it('keeps label values inside the label set', () => {
    const p = blobs(48, 7, 5)
    const allowed = new Set(p.label)
    const q = augmentPatch(p, geometry, new Prng(3))
    for (const v of q.label) expect(allowed.has(v)).toBe(true)
  })

  it('is deterministic per seed and differs across seeds', () => {
    const cfg = augmentSchema.parse({ affine: 1, elastic: 0.5, intensity: 1, noise: 0.05 })
    const a = augmentPatch(blobs(32, 2), cfg, new Prng(11))
    const b = augmentPatch(blobs(32, 2), cfg, new Prng(11))
    const c = augmentPatch(blobs(32, 2), cfg, new Prng(12))
    expect(Array.from(a.image)).toEqual(Array.from(b.image))
    expect(Array.from(a.label)).toEqual(Array.from(b.label))
    expect(Array.from(a.image)).not.toEqual(Array.from(c.image))
  })

  it('changes only intensities with intensity jitter and noise', () => {
    const p = blobs(32, 4)
    const q = augmentPatch(
      p,
      augmentSchema.parse({ flip: false, rot90: false, intensity: 1, noise: 0.1 }),
      new Prng(1)
    )
    expect(Array.from(q.label)).toEqual(Array.from(p.label))
    expect(Array.from(q.image)).not.toEqual(Array.from(p.image))
  })

  it('applies gamma jitter to 8-bit levels and to other values exactly as the per-pixel power', () => {
    const size = 32
    const image = new Float32Array(size * size * 3)
    for (let i = 0; i < image.length; i++)
      image[i] = i % 5 === 0 ? (i % 997) / 997 : (i % 256) * (1 / 255)
    const p: Patch = {
      image,
      label: new Uint8Array(size * size),
      width: size,
      height: size,
      channels: 3
    }
    const cfg = augmentSchema.parse({ flip: false, rot90: false, intensity: 1, gamma: 0.5 })
    const q = augmentPatch(p, cfg, new Prng(3))
    // the same draws in the order augmentPatch makes them: affine, elastic, jitter, then b, c, g
    const rng = new Prng(3)
    for (let k = 0; k < 3; k++) rng.next()
    const b = rng.uniform(-1, 1) * cfg.brightness
    const c = 1 + rng.uniform(-1, 1) * cfg.contrast
    const g = Math.exp(rng.uniform(-1, 1) * cfg.gamma)
    expect(Math.abs(g - 1)).toBeGreaterThan(0.01)
    const mean = image.reduce((a, v) => a + v, 0) / image.length
    const expected = Float32Array.from(
      image,
      (v) => (Math.min(1, Math.max(0, v)) ** g - mean) * c + mean + b
    )
    expect(Buffer.from(q.image.buffer).equals(Buffer.from(expected.buffer))).toBe(true)
  })
})
