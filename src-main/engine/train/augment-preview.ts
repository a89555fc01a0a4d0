/**
 * A few training patches exactly as a run would see them: one sample loaded with the run's label
 * settings (classes, invert), cut at seeded random places and augmented with the run's settings.
 * Shown in the train form before a run starts (target and augmentation preview).
 */
import { existsSync } from 'node:fs'
import { scanDataset, type Sample } from '../../data/dataset'
import { editedLabelPath } from '../../data/label-store'
import { augmentPatch } from './augment'
import { augmentSchema, type AugmentConfig } from '../config'
import { Prng } from '../prng'
import { crop, loadSample, probeChannels, randomPatches } from './samples'

/** What to preview: the dataset, the run's label and patch settings, and the augmentation. */
export interface AugmentPreviewOptions {
  data: string
  size: number
  classes: number
  invertMask: boolean
  resize?: boolean
  /** Augmentation settings; null shows the plain target. */
  augment: Partial<AugmentConfig> | null
  seed: number
  /** Patches returned. */
  count: number
  /** Sample to cut from (default: the first labelled one). */
  sample?: string
}

/** One patch: 0..255 image pixels (HWC) and the training target (0/1 or class indices). */
export interface PreviewPatch {
  sample: string
  width: number
  height: number
  channels: number
  image: Uint8Array
  label: Uint8Array
}

function labelled(root: string, s: Sample): boolean {
  return Boolean(
    s.maskPath || s.instanceMaskPaths?.length || existsSync(editedLabelPath(root, s.id))
  )
}

/** Cuts and augments `count` patches of one sample, as training would (seeded, repeatable). */
export async function augmentPreview(o: AugmentPreviewOptions): Promise<PreviewPatch[]> {
  const scan = await scanDataset(o.data)
  const candidates = scan.samples.filter((s) => labelled(o.data, s))
  const sample = o.sample ? candidates.find((s) => s.id === o.sample) : candidates[0]
  if (!sample)
    throw new Error(
      o.sample
        ? `${o.data}: no labelled sample "${o.sample}"`
        : `${o.data}: no labelled image to preview`
    )
  const loaded = await loadSample(sample, {
    root: o.data,
    channels: await probeChannels(sample),
    classes: o.classes,
    invertMask: o.invertMask,
    size: o.size,
    resize: o.resize ?? false
  })
  const augment: AugmentConfig | null = o.augment ? augmentSchema.parse(o.augment) : null
  const rng = new Prng(o.seed)
  const refs = randomPatches([loaded], o.size, o.count, rng)
  return refs.map((ref) => {
    let p = crop(loaded, ref.x, ref.y, o.size)
    if (augment) p = augmentPatch(p, augment, rng)
    return {
      sample: sample.id,
      width: p.width,
      height: p.height,
      channels: p.channels,
      image: Uint8Array.from(p.image, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255)),
      label: p.label
    }
  })
}
