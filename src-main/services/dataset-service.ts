/** Opening datasets for the UI: samples with label status, and cached thumbnails. */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import type { DatasetInfo, SampleStatus } from '../../src-preload/contract'
import { describeDataset, scanDataset, type Sample } from '../data/dataset'
import { readImageSize } from '../data/image-size'
import { assertInsideDataset, editedLabelPath, findSample } from '../data/label-store'
import { mapLimit } from '../data/map-limit'
import { removeStaleTemps } from '../data/atomic-write'
import { EDITED_LABELS_DIR } from '../data/label-store'

/** Thumbnails kept in memory (least recently used dropped first). */
export const DEFAULT_THUMBNAIL_CACHE = 512

function status(root: string, s: Sample, predictedOut: string | undefined): SampleStatus {
  if (existsSync(editedLabelPath(root, s.id))) return 'edited'
  if (s.maskPath || s.instanceMaskPaths?.length) return 'labelled'
  if (predictedOut && existsSync(join(predictedOut, 'masks', `${s.id}.png`))) return 'predicted'
  return 'unlabelled'
}

/** Scans and describes `dir`; `predictedOut` is the last prediction folder made from it. */
export async function openDataset(dir: string, predictedOut?: string): Promise<DatasetInfo> {
  const root = resolve(dir)
  await removeStaleTemps(join(root, EDITED_LABELS_DIR))
  const [scan, desc] = await Promise.all([scanDataset(root), describeDataset(root)])
  const samples = await mapLimit(scan.samples, 8, async (s) => {
    const size = await readImageSize(s.imagePath).catch(() => ({ width: 0, height: 0 }))
    return { id: s.id, ...size, status: status(root, s, predictedOut) }
  })
  return {
    root,
    layout: scan.layout,
    sampleCount: scan.samples.length,
    sizes: desc.sizes,
    maskKind: desc.mask.kind,
    problems: desc.problems,
    samples
  }
}

/** A small LRU cache of thumbnails by root, id and size. */
export class ThumbnailCache {
  private readonly cache = new Map<string, string>()
  constructor(private readonly limit = DEFAULT_THUMBNAIL_CACHE) {}

  /** The sample's image scaled to fit `size` x `size`, contrast-stretched, as base64 PNG. */
  async get(root: string, id: string, size: number): Promise<string> {
    const key = `${resolve(root)}\0${id}\0${size}`
    const hit = this.cache.get(key)
    if (hit !== undefined) {
      this.cache.delete(key)
      this.cache.set(key, hit)
      return hit
    }
    const sample = await findSample(root, id)
    await assertInsideDataset(root, sample.imagePath)
    const png = await sharp(sample.imagePath)
      .resize(size, size, { fit: 'inside', withoutEnlargement: true })
      .normalise()
      .toColourspace('srgb')
      .png()
      .toBuffer()
    const b64 = png.toString('base64')
    this.cache.set(key, b64)
    if (this.cache.size > this.limit) this.cache.delete(this.cache.keys().next().value!)
    return b64
  }
}
