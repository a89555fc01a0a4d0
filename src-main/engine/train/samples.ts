import { readAnyImage } from '../../data/image-io'
import { readTrainingLabel } from '../../data/label-store'
import type { Sample } from '../../data/dataset'
import type { Patch } from './augment'
import { imageStats, toUnit, type UnitImage } from '../normalize'
import type { Prng } from '../prng'

/** A training/validation image held in memory: 0..1 pixels, class-index label, image statistics. */
export interface LoadedSample {
  id: string
  image: UnitImage
  label: Uint8Array
  /** Mean and std of the original image (used to standardise every patch cut from it). */
  mean: number
  std: number
}

/** How images and labels are prepared for a run. */
export interface LoadOptions {
  /** Dataset folder as the user gave it: edited labels live in its `.unet-studio/labels/`. */
  root: string
  channels: number
  classes: number
  invertMask: boolean
  size: number
  resize: boolean
}

/** Mirror an index into [0, n). */
function reflect(i: number, n: number): number {
  if (n === 1) return 0
  const period = 2 * (n - 1)
  i = Math.abs(i) % period
  return i < n ? i : period - i
}

/** Read an image's channel count (after dropping alpha), to fix the run's input channels. */
export async function probeChannels(sample: Sample): Promise<number> {
  return (await readAnyImage(sample.imagePath)).channels
}

/** Pad (mirror) to at least size x size, or resize to exactly size x size (bilinear / nearest). */
function fit(
  img: UnitImage,
  label: Uint8Array,
  o: LoadOptions
): { image: UnitImage; label: Uint8Array } {
  const { width: w, height: h, channels: c } = img
  const ow = o.resize ? o.size : Math.max(w, o.size)
  const oh = o.resize ? o.size : Math.max(h, o.size)
  if (ow === w && oh === h) return { image: img, label }
  const data = new Float32Array(ow * oh * c)
  const lab = new Uint8Array(ow * oh)
  for (let y = 0; y < oh; y++)
    for (let x = 0; x < ow; x++) {
      const o2 = y * ow + x
      if (!o.resize) {
        const src = reflect(y, h) * w + reflect(x, w)
        lab[o2] = label[src]
        for (let k = 0; k < c; k++) data[o2 * c + k] = img.data[src * c + k]
        continue
      }
      const fx = ow > 1 ? (x * (w - 1)) / (ow - 1) : 0
      const fy = oh > 1 ? (y * (h - 1)) / (oh - 1) : 0
      lab[o2] = label[Math.round(fy) * w + Math.round(fx)]
      const x0 = Math.floor(fx)
      const y0 = Math.floor(fy)
      const x1 = Math.min(w - 1, x0 + 1)
      const y1 = Math.min(h - 1, y0 + 1)
      const ax = fx - x0
      const ay = fy - y0
      for (let k = 0; k < c; k++) {
        const top =
          img.data[(y0 * w + x0) * c + k] * (1 - ax) + img.data[(y0 * w + x1) * c + k] * ax
        const bot =
          img.data[(y1 * w + x0) * c + k] * (1 - ax) + img.data[(y1 * w + x1) * c + k] * ax
        data[o2 * c + k] = top * (1 - ay) + bot * ay
      }
    }
  return { image: { data, width: ow, height: oh, channels: c }, label: lab }
}

/** Load one sample's image and its label (an edited one first); throws with the file named when they do not fit together. */
export async function loadSample(sample: Sample, o: LoadOptions): Promise<LoadedSample> {
  const raw = await readAnyImage(sample.imagePath)
  const lab = await readTrainingLabel(o.root, sample, o.classes > 1 ? 'classes' : 'binary')
  if (lab.width !== raw.width || lab.height !== raw.height) {
    throw new Error(
      `${sample.maskPath ?? sample.id}: label ${lab.width}x${lab.height} differs from image ${raw.width}x${raw.height}`
    )
  }
  const label = new Uint8Array(lab.data.length)
  for (let i = 0; i < label.length; i++) {
    const v = lab.data[i]
    label[i] = o.classes > 1 ? Math.min(255, v) : o.invertMask ? (v ? 0 : 1) : v ? 1 : 0
  }
  const unit = toUnit(raw, o.channels)
  const { mean, std } = imageStats(unit.data)
  const fitted = fit(unit, label, o)
  return { id: sample.id, image: fitted.image, label: fitted.label, mean, std }
}

/** Cut a size x size patch at (x, y) as a fresh copy. */
export function crop(s: LoadedSample, x: number, y: number, size: number): Patch {
  const { width: w, channels: c } = s.image
  const image = new Float32Array(size * size * c)
  const label = new Uint8Array(size * size)
  for (let r = 0; r < size; r++) {
    const src = (y + r) * w + x
    image.set(s.image.data.subarray(src * c, (src + size) * c), r * size * c)
    label.set(s.label.subarray(src, src + size), r * size)
  }
  return { image, label, width: size, height: size, channels: c }
}

/** A patch request: which sample and where. */
export interface PatchRef {
  sample: number
  x: number
  y: number
}

/** Random crop positions, `perImage` per sample (whole image in resize mode). */
export function randomPatches(
  samples: LoadedSample[],
  size: number,
  perImage: number,
  rng: Prng
): PatchRef[] {
  const refs: PatchRef[] = []
  samples.forEach((s, i) => {
    for (let k = 0; k < perImage; k++) {
      refs.push({
        sample: i,
        x: rng.int(s.image.width - size + 1),
        y: rng.int(s.image.height - size + 1)
      })
    }
  })
  return refs
}

/**
 * Tiles covering each sample (the last row/column aligned to the edge); with `maxPerImage` > 0,
 * at most that many per image, spread evenly over the image's tiles (one = the centre tile).
 */
export function tilePatches(samples: LoadedSample[], size: number, maxPerImage = 0): PatchRef[] {
  const starts = (n: number) => {
    const out: number[] = []
    for (let p = 0; p + size < n; p += size) out.push(p)
    out.push(n - size)
    return out
  }
  return samples.flatMap((s, i) => {
    const all = starts(s.image.height).flatMap((y) =>
      starts(s.image.width).map((x) => ({ sample: i, x, y }))
    )
    const m = maxPerImage > 0 ? Math.min(maxPerImage, all.length) : all.length
    if (m === all.length) return all
    if (m === 1) return [all[Math.floor(all.length / 2)]]
    return Array.from({ length: m }, (_, k) => all[Math.round((k * (all.length - 1)) / (m - 1))])
  })
}
