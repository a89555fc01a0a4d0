import { createHash } from 'node:crypto'
import { PREDICT_DEFAULTS, type PredictOptions } from '../../../src-preload/options/predict'
import { type AnyImage, readAnyImage } from '../../data/image-io'
import {
  type ExportSettings,
  finishedRecord,
  type ImageRecord,
  listInputImages,
  measureObjects,
  prepareOutput,
  writeImageOutputs,
  writeTables
} from '../../data/export'
import { checkPredictOutput } from '../../data/export/output-check'
import { imagesDirOf } from '../../data/export/list-images'
import { normalizeImage } from '../normalize'
import { postprocess, type PostprocessResult } from '../postprocess/postprocess'
import { DEFAULT_SPLIT, type SplitOptions } from '../postprocess/split-touching'
import type { LoadedPredictor } from './load-predictor'
import { DEFAULT_TILE_OPTIONS, predictImage } from './predict-image'

/** Options of a batch prediction over a folder. */
export interface PredictFolderOptions {
  input: string
  out: string
  /** Tile side (default: the run's patch size); 0 = whole image. */
  tile?: number
  overlap?: number
  batchSize?: number
  scale?: number
  threshold?: number
  minSize?: number
  /** Split touching objects (watershed on the distance map, or boundary seeds for 3-class runs). */
  split?: boolean
  splitOptions?: SplitOptions
  instances?: boolean
  overlay?: boolean
  csv?: boolean
  format?: 'png' | 'tiff'
  signal?: AbortSignal
  onProgress?: (p: PredictProgress) => void
}

/** Defaults of threshold, min size, split and format: the prediction options' own. */
export const DEFAULT_PREDICT: Pick<PredictOptions, 'threshold' | 'minSize' | 'split' | 'format'> = {
  threshold: PREDICT_DEFAULTS.threshold,
  minSize: PREDICT_DEFAULTS.minSize,
  split: PREDICT_DEFAULTS.split,
  format: PREDICT_DEFAULTS.format
}

/** The engine's options for a batch prediction given as prediction options (`--batch`, `--h`). */
export function folderOptions(
  o: Omit<PredictOptions, 'model' | 'backend'>
): Omit<PredictFolderOptions, 'signal' | 'onProgress'> {
  return {
    input: o.input,
    out: o.out,
    tile: o.tile,
    overlap: o.overlap,
    batchSize: o.batch,
    scale: o.scale,
    threshold: o.threshold,
    minSize: o.minSize,
    split: o.split,
    splitOptions: o.h === undefined ? undefined : { h: o.h },
    instances: o.instances,
    overlay: o.overlay,
    csv: o.csv,
    format: o.format
  }
}

/** Progress after each image. */
export interface PredictProgress {
  index: number
  total: number
  image: string
  status: 'done' | 'skipped' | 'failed'
  objects?: number
  reason?: string
}

/** What a batch prediction did. */
export interface PredictSummary {
  out: string
  images: number
  done: number
  skipped: number
  failed: number
  objects: number
  seconds: number
  imagesPerSecond: number
  cancelled: boolean
  problems: { file: string; reason: string }[]
}

/**
 * Post-process one prediction the way the run's target asks. Holes are filled in objects, never
 * in the thin network an inverted run predicts (ISBI membranes: its holes are the cells).
 */
export function postprocessFor(
  predictor: LoadedPredictor,
  map: Parameters<typeof postprocess>[0],
  o: { threshold: number; minSize: number; split: boolean; splitOptions?: SplitOptions }
): PostprocessResult {
  return postprocess(map, {
    target: predictor.target,
    threshold: o.threshold,
    minSize: o.minSize,
    fillHoles: !predictor.config.invertMask,
    instances: o.split ? 'split' : 'components',
    split: { ...DEFAULT_SPLIT, ...o.splitOptions }
  })
}

/** Predict, post-process and export one image; returns its record. */
async function processImage(
  predictor: LoadedPredictor,
  raw: AnyImage,
  name: string,
  stem: string,
  o: PredictFolderOptions & typeof DEFAULT_PREDICT,
  settings: ExportSettings
): Promise<ImageRecord> {
  const unit = normalizeImage(raw, predictor.channels)
  const size = predictor.config.size
  const map = await predictImage(predictor, unit, {
    tile: predictor.config.resize ? 0 : (o.tile ?? predictor.tile),
    overlap: o.overlap ?? DEFAULT_TILE_OPTIONS.overlap,
    batchSize: o.batchSize ?? DEFAULT_TILE_OPTIONS.batchSize,
    scale: o.scale ?? 1,
    resizeTo: predictor.config.resize && o.scale === undefined ? [size, size] : undefined,
    signal: o.signal
  })
  const result = postprocessFor(predictor, map, o)
  const classMask = predictor.target === 'classes'
  const labels = result.instances?.labels
  const count = result.instances?.count ?? 0
  let foregroundArea = 0
  for (const v of result.mask) if (v) foregroundArea++
  const record: ImageRecord = {
    image: name,
    stem,
    width: raw.width,
    height: raw.height,
    objects: count,
    foregroundArea,
    measurements: labels && o.csv ? measureObjects(labels, count, raw) : [],
    fingerprint: settings.fingerprint
  }
  await writeImageOutputs(o.out, stem, settings, {
    image: raw,
    mask: result.mask,
    classMask,
    labels,
    record
  })
  return record
}

/**
 * Predict every image of a folder (its `images/` for a dataset root whose images are there) and
 * export masks (and instances, overlays, CSVs as asked).
 * Images already exported with the same settings are skipped; unreadable ones are reported. An
 * output inside the input's dataset is refused first (`PredictOutputError`).
 */
export async function predictFolder(
  predictor: LoadedPredictor,
  options: PredictFolderOptions
): Promise<PredictSummary> {
  const started = Date.now()
  const o = { ...DEFAULT_PREDICT, ...options }
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify([
        predictor.config.createdAt,
        predictor.stamp ?? null,
        predictor.config.out,
        o.tile,
        o.overlap,
        o.scale,
        o.threshold,
        o.minSize,
        o.split,
        o.splitOptions ?? null,
        !!o.csv
      ])
    )
    .digest('hex')
    .slice(0, 16)
  const settings: ExportSettings = {
    instances: !!o.instances,
    overlay: !!o.overlay,
    csv: !!o.csv,
    format: o.format,
    fingerprint
  }
  checkPredictOutput(o.input, o.out)
  const { images, duplicates } = await listInputImages(await imagesDirOf(o.input))
  await prepareOutput(o.out, settings)
  const problems = duplicates.map((file) => ({
    file,
    reason: 'an image with the same name stem comes first; skipped'
  }))
  const records: ImageRecord[] = []
  const counts = { done: 0, skipped: 0, failed: 0 }
  let cancelled = false
  for (const [index, img] of images.entries()) {
    if (o.signal?.aborted) {
      cancelled = true
      break
    }
    const name = img.path.slice(img.path.lastIndexOf('/') + 1)
    const progress = { index: index + 1, total: images.length, image: name }
    const previous = await finishedRecord(o.out, img.stem, settings)
    if (previous) {
      records.push(previous)
      counts.skipped++
      o.onProgress?.({ ...progress, status: 'skipped', objects: previous.objects })
      continue
    }
    try {
      const raw = await readAnyImage(img.path)
      const record = await processImage(predictor, raw, name, img.stem, o, settings)
      records.push(record)
      counts.done++
      o.onProgress?.({ ...progress, status: 'done', objects: record.objects })
    } catch (err) {
      if (o.signal?.aborted) {
        cancelled = true
        break
      }
      const reason = (err as Error).message ?? String(err)
      problems.push({ file: img.path, reason })
      counts.failed++
      o.onProgress?.({ ...progress, status: 'failed', reason })
    }
  }
  await writeTables(o.out, records, settings.csv)
  const seconds = (Date.now() - started) / 1000
  return {
    out: o.out,
    images: images.length,
    ...counts,
    objects: records.reduce((n, r) => n + r.objects, 0),
    seconds,
    imagesPerSecond: seconds > 0 ? counts.done / seconds : 0,
    cancelled,
    problems
  }
}
