/**
 * Opening datasets for the UI: one scan per open, a bounded summary, the samples listed page by
 * page in natural name order with their label status, and cached thumbnails.
 */
import { readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import {
  DEFAULT_PAGE_ROWS,
  MAX_LISTED_PROBLEMS,
  type DatasetInfo,
  type DatasetPage,
  type SampleStatus
} from '../../src-preload/contract'
import { describeDataset, scanDataset, type Sample } from '../data/dataset'
import { decoder, readImageHeader } from '../data/image-header'
import { floatToDisplay16, readAnyImage, type FloatImage } from '../data/image-io'
import { readImageSize } from '../data/image-size'
import {
  assertInsideDataset,
  EDITED_LABELS_DIR,
  findSample,
  rememberScan
} from '../data/label-store'
import { mapLimit } from '../data/map-limit'
import { removeStaleTemps } from '../data/atomic-write'
import { naturalCompare } from '../data/natural-sort'

/** Thumbnails kept in memory (least recently used dropped first). */
export const DEFAULT_THUMBNAIL_CACHE = 512
/** Image headers read when a dataset opens (spread over it); pages read their own. */
export const DEFAULT_SUMMARY_HEADERS = 2000

/** An opened dataset's samples in listing order, with their label status. */
interface Listing {
  samples: Sample[]
  status: Map<string, SampleStatus>
}

async function fileNames(dir: string): Promise<Set<string>> {
  return new Set(await readdir(dir).catch(() => [] as string[]))
}

function statusOf(s: Sample, edited: Set<string>, predicted: Set<string>): SampleStatus {
  if (edited.has(`${s.id}.png`)) return 'edited'
  if (s.maskPath || s.instanceMaskPaths?.length) return 'labelled'
  if (predicted.has(`${s.id}.png`) || predicted.has(`${s.id}.tif`)) return 'predicted'
  return 'unlabelled'
}

/** Opened datasets: each is scanned once per open and listed page by page. */
export class DatasetListings {
  private readonly listings = new Map<string, Listing>()

  /** Scans and describes `dir`; `predictedOut` is the newest predictions folder made from it. */
  async open(dir: string, predictedOut?: string): Promise<DatasetInfo> {
    const root = resolve(dir)
    await removeStaleTemps(join(root, EDITED_LABELS_DIR))
    const scan = await scanDataset(root)
    rememberScan(root, scan)
    const desc = await describeDataset(root, { scan, maxImageHeaders: DEFAULT_SUMMARY_HEADERS })
    const edited = await fileNames(join(root, EDITED_LABELS_DIR))
    const predicted = predictedOut
      ? await fileNames(join(predictedOut, 'masks'))
      : new Set<string>()
    const samples = [...scan.samples].sort((a, b) => naturalCompare(a.id, b.id))
    const status = new Map(samples.map((s) => [s.id, statusOf(s, edited, predicted)]))
    this.listings.set(root, { samples, status })
    const counts: Record<SampleStatus, number> = {
      labelled: 0,
      unlabelled: 0,
      edited: 0,
      predicted: 0
    }
    for (const st of status.values()) counts[st]++
    const first = await this.page(root, 0, DEFAULT_PAGE_ROWS)
    return {
      root,
      layout: scan.layout,
      sampleCount: samples.length,
      sizes: desc.sizes,
      sizesChecked: desc.imagesChecked,
      channels: [...desc.channels].sort((a, b) => b.count - a.count)[0]?.channels ?? null,
      maskKind: desc.mask.kind,
      counts,
      problems: desc.problems.slice(0, MAX_LISTED_PROBLEMS),
      problemCount: desc.problems.length,
      samples: first.samples
    }
  }

  /** Samples `offset .. offset + limit` of an opened dataset, with sizes from their headers. */
  async page(dir: string, offset: number, limit: number): Promise<DatasetPage> {
    const root = resolve(dir)
    const listing = this.listings.get(root)
    if (!listing) throw new Error(`${root} is not open: open the dataset first`)
    const slice = listing.samples.slice(offset, offset + limit)
    const samples = await mapLimit(slice, 8, async (s) => {
      const size = await readImageSize(s.imagePath).catch(() => ({ width: 0, height: 0 }))
      return { id: s.id, ...size, status: listing.status.get(s.id) ?? 'unlabelled' }
    })
    return { root, offset, total: listing.samples.length, samples }
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
    const header = await readImageHeader(sample.imagePath)
    let source = decoder(sample.imagePath)
    if (!header.plain) {
      const float = await readAnyImage(sample.imagePath)
      const { image } = floatToDisplay16(float as FloatImage)
      source = sharp(image.data, {
        raw: { width: image.width, height: image.height, channels: image.channels as 1 | 3 }
      }).toColourspace(image.channels === 1 ? 'grey16' : 'rgb16')
    }
    const png = await source
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
