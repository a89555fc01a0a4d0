import { ImageRefusedError, readImageHeader } from './image-header'
import type { DatasetProblem, DatasetScan, Layout, Sample } from './dataset'
import { readImage } from './image-io'
import { readImageSize } from './image-size'
import { classifyMaskValues, distinctValues, maskChannel, type MaskValueKind } from './mask-values'
import { mapLimit } from './map-limit'
import { scanDataset } from './scan'

/** What the dataset's masks are: a value kind, per-instance files, a mix, or none. */
export type MaskKind = MaskValueKind | 'per-instance-files' | 'mixed' | 'none'

/** Summary of a dataset folder, from headers plus a bounded sample of mask pixels. */
export interface DatasetDescription {
  root: string
  layout: Layout
  notes: string[]
  samples: number
  samplesWithMasks: number
  /** DSB2018 only: instance mask files in total and per sample. */
  instanceMasks?: { files: number; min: number; median: number; max: number }
  /** Distinct image sizes, most common first. */
  sizes: { width: number; height: number; count: number }[]
  /** Images whose headers (and masks' headers) were read: all, or `maxImageHeaders` spread out. */
  imagesChecked: number
  /** Image channels as read (alpha dropped); `withAlpha` counts files that had alpha. */
  channels: { channels: number; count: number }[]
  withAlpha: number
  bitDepths: { bitDepth: number; count: number }[]
  mask: {
    kind: MaskKind
    /** Value kind inside the files (for per-instance files: what each file holds). */
    values: MaskValueKind | 'mixed' | 'unknown'
    /** Distinct values seen in the checked files (class indices for class-index masks). */
    valuesSeen: number[]
    filesChecked: number
    filesTotal: number
  }
  problems: DatasetProblem[]
  seconds: number
}

/** How many mask files {@link describeDataset} decodes to learn the mask values. */
export const DEFAULT_MASK_FILES_CHECKED = 48
const CONCURRENCY = 8

function tally<K>(items: K[], key: (k: K) => string): Map<string, { item: K; count: number }> {
  const out = new Map<string, { item: K; count: number }>()
  for (const it of items) {
    const k = key(it)
    const e = out.get(k)
    if (e) e.count++
    else out.set(k, { item: it, count: 1 })
  }
  return out
}

/** Every `step`-th element so that at most `limit` are picked, spread over the whole list. */
function spread<T>(items: T[], limit: number): T[] {
  if (items.length <= limit) return items
  return Array.from({ length: limit }, (_, i) => items[Math.floor((i * items.length) / limit)])
}

/** Options for {@link describeDataset}. */
export interface DescribeOptions {
  /** Mask files decoded to learn the values (default {@link DEFAULT_MASK_FILES_CHECKED}). */
  maxMaskFiles?: number
  /** Image headers read at most, spread over the dataset (default: all). */
  maxImageHeaders?: number
  /** The folder's scan when the caller has it already (a dataset is scanned once). */
  scan?: DatasetScan
}

/**
 * Describe a dataset: sample count, image sizes, channels, bit depth and mask kind.
 * Reads every image and mask header (or `maxImageHeaders` spread out), but decodes at most
 * `maxMaskFiles` mask files.
 */
export async function describeDataset(
  dir: string,
  opts: DescribeOptions = {}
): Promise<DatasetDescription> {
  const start = performance.now()
  const scan = opts.scan ?? (await scanDataset(dir))
  const problems = [...scan.problems]
  const checked = spread(scan.samples, opts.maxImageHeaders ?? Infinity)
  // image headers: size, channels, depth
  const metas = await mapLimit(checked, CONCURRENCY, async (s) => {
    try {
      const m = await readImageHeader(s.imagePath)
      const depth = m.bits
      const alpha = m.hasAlpha
      return {
        s,
        width: m.width,
        height: m.height,
        channels: m.channels - (alpha ? 1 : 0),
        depth,
        alpha
      }
    } catch (err) {
      const reason =
        err instanceof ImageRefusedError
          ? err.reason
          : `unreadable image: ${(err as Error).message}`
      problems.push({ sample: s.id, file: s.imagePath, reason })
      return null
    }
  })
  const ok = metas.filter((m) => m !== null)
  // mask headers: every mask must have its image's size
  const maskFiles = (s: Sample) => s.instanceMaskPaths ?? (s.maskPath ? [s.maskPath] : [])
  const checks = ok.flatMap((m) => maskFiles(m.s).map((file) => ({ m, file })))
  await mapLimit(checks, CONCURRENCY, async ({ m, file }) => {
    try {
      const { width, height } = await readImageSize(file)
      if (width !== m.width || height !== m.height) {
        const reason = `mask is ${width}x${height} but its image is ${m.width}x${m.height}`
        problems.push({ sample: m.s.id, file, reason })
      }
    } catch (err) {
      problems.push({ sample: m.s.id, file, reason: `unreadable mask: ${(err as Error).message}` })
    }
  })
  const mask = await maskValues(
    checks.map((c) => ({ sample: c.m.s.id, file: c.file })),
    opts.maxMaskFiles ?? DEFAULT_MASK_FILES_CHECKED,
    problems
  )
  const perInstance = scan.layout === 'dsb2018' && checks.length > 0
  const counts = scan.samples.map((s) => s.instanceMaskPaths?.length ?? 0).sort((a, b) => a - b)
  return {
    root: scan.root,
    layout: scan.layout,
    notes: scan.notes,
    samples: scan.samples.length,
    samplesWithMasks: scan.samples.filter((s) => maskFiles(s).length > 0).length,
    instanceMasks: perInstance
      ? {
          files: checks.length,
          min: counts[0],
          median: counts[Math.floor(counts.length / 2)],
          max: counts[counts.length - 1]
        }
      : undefined,
    sizes: [...tally(ok, (m) => `${m.width}x${m.height}`).values()]
      .map(({ item, count }) => ({ width: item.width, height: item.height, count }))
      .sort((a, b) => b.count - a.count),
    imagesChecked: checked.length,
    channels: [...tally(ok, (m) => String(m.channels)).values()]
      .map(({ item, count }) => ({ channels: item.channels, count }))
      .sort((a, b) => a.channels - b.channels),
    withAlpha: ok.filter((m) => m.alpha).length,
    bitDepths: [...tally(ok, (m) => String(m.depth)).values()]
      .map(({ item, count }) => ({ bitDepth: item.depth, count }))
      .sort((a, b) => a.bitDepth - b.bitDepth),
    mask: { ...mask, kind: perInstance ? 'per-instance-files' : mask.kind },
    problems: problems.sort((a, b) => a.file.localeCompare(b.file)),
    seconds: (performance.now() - start) / 1000
  }
}

/** Decode a spread-out subset of mask files and classify the values found. */
async function maskValues(
  files: { sample: string; file: string }[],
  limit: number,
  problems: DatasetProblem[]
): Promise<DatasetDescription['mask']> {
  const picked = spread(files, limit)
  const kinds = new Set<MaskValueKind>()
  const seen = new Set<number>()
  let checked = 0
  await mapLimit(picked, CONCURRENCY, async ({ sample, file }) => {
    try {
      const img = await readImage(file)
      const values = distinctValues(maskChannel(img, file))
      values.forEach((v) => seen.add(v))
      kinds.add(classifyMaskValues(values, img.bitDepth))
      checked++
    } catch (err) {
      problems.push({ sample, file, reason: `unreadable mask: ${(err as Error).message}` })
    }
  })
  kinds.delete('empty')
  const valuesSeen = [...seen].sort((a, b) => a - b)
  const base = { valuesSeen, filesChecked: checked, filesTotal: files.length }
  if (files.length === 0) return { kind: 'none', values: 'unknown', ...base }
  if (checked === 0) return { kind: 'mixed', values: 'unknown', ...base }
  // files holding only classes 0 and 1 are part of a class-index set
  if (kinds.has('class-index')) kinds.delete('binary-0-1')
  const values: MaskValueKind | 'mixed' =
    kinds.size === 0 ? 'empty' : kinds.size === 1 ? [...kinds][0] : 'mixed'
  return { kind: values, values, ...base }
}
