import { readAnyImage } from '../../data/image-io'
import { readTrainingLabel } from '../../data/label-store'
import type { Sample } from '../../data/dataset'
import type { Patch } from './augment'
import { normalizationOf, toUnit, type Normalization, type UnitImage } from '../normalize'
import type { Prng } from '../prng'
import {
  buildInstanceTarget,
  INSTANCE_PLANES,
  type WeightMapOptions
} from '../targets/instance-target'

/** A training/validation image held in memory: 0..1 pixels, class-index label, image statistics. */
export interface LoadedSample {
  id: string
  image: UnitImage
  label: Uint8Array
  /**
   * Mean, std and sign of the original image's normalisation (used to standardise every patch
   * cut from it).
   */
  mean: number
  std: number
  sign: 1 | -1
  /** Instance targets: the target planes of `buildInstanceTarget`, interleaved. */
  target?: Float32Array
}

/** How images and labels are prepared for a run. */
export interface LoadOptions {
  /** Dataset folder as the user gave it: edited labels live in its `.unet-studio/labels/`. */
  root: string
  channels: number
  classes: number
  invertMask: boolean
  /** The run's normalisation (default 'per-image-standardize'). */
  normalization?: Normalization
  size: number
  resize: boolean
  /** Set for instance targets: read instance ids and build the target planes with these weights. */
  instances?: WeightMapOptions
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
  target: Float32Array | undefined,
  o: LoadOptions
): { image: UnitImage; label: Uint8Array; target?: Float32Array } {
  const { width: w, height: h, channels: c } = img
  const ow = o.resize ? o.size : Math.max(w, o.size)
  const oh = o.resize ? o.size : Math.max(h, o.size)
  if (ow === w && oh === h) return { image: img, label, target }
  const data = new Float32Array(ow * oh * c)
  const lab = new Uint8Array(ow * oh)
  const planes = new Float32Array(target ? ow * oh * INSTANCE_PLANES : 0)
  const copyTarget = (src: number, dst: number) => {
    for (let k = 0; k < INSTANCE_PLANES; k++)
      planes[dst * INSTANCE_PLANES + k] = target![src * INSTANCE_PLANES + k]
  }
  for (let y = 0; y < oh; y++)
    for (let x = 0; x < ow; x++) {
      const o2 = y * ow + x
      if (!o.resize) {
        const src = reflect(y, h) * w + reflect(x, w)
        lab[o2] = label[src]
        if (target) copyTarget(src, o2)
        for (let k = 0; k < c; k++) data[o2 * c + k] = img.data[src * c + k]
        continue
      }
      const fx = ow > 1 ? (x * (w - 1)) / (ow - 1) : 0
      const fy = oh > 1 ? (y * (h - 1)) / (oh - 1) : 0
      const nearest = Math.round(fy) * w + Math.round(fx)
      lab[o2] = label[nearest]
      if (target) copyTarget(nearest, o2)
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
  return {
    image: { data, width: ow, height: oh, channels: c },
    label: lab,
    target: target ? planes : undefined
  }
}

/** Load one sample's image and its label (an edited one first); throws with the file named when they do not fit together. */
export async function loadSample(sample: Sample, o: LoadOptions): Promise<LoadedSample> {
  const raw = await readAnyImage(sample.imagePath)
  const mode = o.instances ? 'instances' : o.classes > 1 ? 'classes' : 'binary'
  const lab = await readTrainingLabel(o.root, sample, mode)
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
  const target = o.instances
    ? buildInstanceTarget(Uint16Array.from(lab.data), lab.width, lab.height, o.instances)
    : undefined
  const unit = toUnit(raw, o.channels)
  const stats = normalizationOf(unit.data, o.normalization ?? 'per-image-standardize')
  const fitted = fit(unit, label, target, o)
  return { id: sample.id, ...fitted, ...stats }
}

/** Cut a size x size patch at (x, y) as a fresh copy. */
export function crop(s: LoadedSample, x: number, y: number, size: number): Patch {
  const { width: w, channels: c } = s.image
  const image = new Float32Array(size * size * c)
  const label = new Uint8Array(size * size)
  const t = s.target
  const target = t ? new Float32Array(size * size * INSTANCE_PLANES) : undefined
  for (let r = 0; r < size; r++) {
    const src = (y + r) * w + x
    image.set(s.image.data.subarray(src * c, (src + size) * c), r * size * c)
    label.set(s.label.subarray(src, src + size), r * size)
    if (target)
      target.set(
        t!.subarray(src * INSTANCE_PLANES, (src + size) * INSTANCE_PLANES),
        r * size * INSTANCE_PLANES
      )
  }
  return { image, label, width: size, height: size, channels: c, target }
}

/** A patch request: which sample and where. */
export interface PatchRef {
  sample: number
  x: number
  y: number
}

/** Indices of a label's non-zero pixels, for patches placed on objects. */
function labelledPixels(label: Uint8Array): Int32Array {
  let n = 0
  for (let i = 0; i < label.length; i++) if (label[i]) n++
  const px = new Int32Array(n)
  n = 0
  for (let i = 0; i < label.length; i++) if (label[i]) px[n++] = i
  return px
}

/**
 * Random crop positions, `perImage` per sample (whole image in resize mode). A fraction
 * `onObjects` of them (drawn per patch) holds a random labelled pixel at a random place inside the
 * patch instead of anywhere, so sparse images (few small objects in a large field) still teach
 * objects; images without labelled pixels fall back to anywhere.
 */
export function randomPatches(
  samples: LoadedSample[],
  size: number,
  perImage: number,
  rng: Prng,
  onObjects = 0
): PatchRef[] {
  const refs: PatchRef[] = []
  const clamp = (v: number, hi: number) => Math.max(0, Math.min(hi, v))
  samples.forEach((s, i) => {
    const { width: w, height: h } = s.image
    let objects: Int32Array | null = null
    for (let k = 0; k < perImage; k++) {
      const px =
        onObjects > 0 && rng.next() < onObjects ? (objects ??= labelledPixels(s.label)) : null
      if (px && px.length) {
        const p = px[rng.int(px.length)]
        const x = clamp((p % w) - rng.int(size), w - size)
        const y = clamp(Math.floor(p / w) - rng.int(size), h - size)
        refs.push({ sample: i, x, y })
        continue
      }
      refs.push({ sample: i, x: rng.int(w - size + 1), y: rng.int(h - size + 1) })
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
