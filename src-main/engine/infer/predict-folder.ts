import { createHash } from 'node:crypto'
import { definedOnly } from '../../../src-preload/options/common'
import { defaultClassColor } from '../../../src-preload/project'
import {
  type ModelPostprocess,
  POSTPROCESS_FALLBACK,
  PREDICT_DEFAULTS,
  type PredictOptions
} from '../../../src-preload/options/predict'
import { type AnyImage, readAnyImage } from '../../data/image-io'
import {
  type ExportSettings,
  clearImageOutputs,
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
import { readTiffPixelSize } from '../../data/tiff-resolution'
import { normalizeImage } from '../normalize'
import { postprocess, type PostprocessResult } from '../postprocess/postprocess'
import { DEFAULT_SEEDS, type SeedOptions } from '../postprocess/instance-maps'
import { DEFAULT_SPLIT, type SplitOptions } from '../postprocess/split-touching'
import { autoTile, type LoadedPredictor } from './load-predictor'
import { checkTiling, DEFAULT_TILE_OPTIONS, predictImage } from './predict-image'

/** Options of a batch prediction over a folder. */
export interface PredictFolderOptions {
  input: string
  out: string
  /** Tile side (default: whole up to `WHOLE_IMAGE_PIXELS`, else the predictor's tile); 0 = whole. */
  tile?: number
  overlap?: number
  batchSize?: number
  scale?: number
  /** Test-time augmentation: average the 8 flips and transposes (8× the time). */
  tta?: boolean
  threshold?: number
  minSize?: number
  /** Drop objects whose mean foreground probability is below this (0 = keep all). */
  minScore?: number
  /** Split touching objects (distance watershed for binary runs, seeds for instance runs). */
  split?: boolean
  splitOptions?: SplitOptions
  /** Instance runs: how seeds are found and grown (default {@link DEFAULT_SEEDS}). */
  seeds?: SeedOptions
  instances?: boolean
  overlay?: boolean
  csv?: boolean
  /** µm per pixel for the CSV's physical columns (default: each TIFF's own resolution, if any). */
  pixelSize?: number
  format?: 'png' | 'tiff'
  signal?: AbortSignal
  onProgress?: (p: PredictProgress) => void
}

/** Defaults of split and format: the prediction options' own. */
export const DEFAULT_PREDICT: Pick<PredictOptions, 'split' | 'format'> = {
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
    tta: o.tta,
    threshold: o.threshold,
    minSize: o.minSize,
    minScore: o.minScore,
    split: o.split,
    splitOptions: o.h === undefined ? undefined : { h: o.h },
    seeds: o.seedLevel === undefined ? undefined : { level: o.seedLevel },
    instances: o.instances,
    overlay: o.overlay,
    csv: o.csv,
    pixelSize: o.pixelSize,
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

/** The post-processing settings of a prediction, and whether its maps average flips (TTA). */
export interface PostprocessSettings {
  /** Test-time augmentation: each map is the mean over the 8 flips and transposes. */
  tta: boolean
  threshold: number
  minSize: number
  /** Objects whose mean foreground probability is below this are dropped (0 = keep all). */
  minScore: number
  split: boolean
  splitOptions: SplitOptions
  seeds: SeedOptions
}

/**
 * The post-processing a prediction gets: each setting the user gave, else the one chosen for the
 * model (its config.json `postprocess`), else the fallback.
 */
export function settingsFor(
  predictor: LoadedPredictor,
  given: Partial<PostprocessSettings> = {}
): PostprocessSettings {
  const chosen = predictor.config.postprocess ?? {}
  return {
    tta: given.tta ?? chosen.tta ?? POSTPROCESS_FALLBACK.tta,
    threshold: given.threshold ?? chosen.threshold ?? POSTPROCESS_FALLBACK.threshold,
    minSize: given.minSize ?? chosen.minSize ?? POSTPROCESS_FALLBACK.minSize,
    minScore: given.minScore ?? chosen.minScore ?? POSTPROCESS_FALLBACK.minScore,
    split: given.split ?? DEFAULT_PREDICT.split,
    splitOptions: { ...DEFAULT_SPLIT, ...definedOnly({ h: chosen.h }), ...given.splitOptions },
    seeds: { ...DEFAULT_SEEDS, ...definedOnly({ level: chosen.seedLevel }), ...given.seeds }
  }
}

/**
 * The post-processing a prediction runs with, as records list it: test-time augmentation,
 * threshold, smallest object, object probability floor and the split setting of the model's
 * target (h for binary models, seed level for instance models); only TTA for a multi-class model
 * (each pixel takes its most likely class).
 */
export function appliedPostprocess(
  predictor: LoadedPredictor,
  given: Partial<PostprocessSettings> = {}
): ModelPostprocess {
  const post = settingsFor(predictor, given)
  if (predictor.target === 'classes') return { tta: post.tta }
  const split =
    predictor.target === 'binary' ? { h: post.splitOptions.h } : { seedLevel: post.seeds.level }
  return {
    threshold: post.threshold,
    minSize: post.minSize,
    minScore: post.minScore,
    ...split,
    tta: post.tta
  }
}

/**
 * Post-process one prediction the way the run's target asks, with {@link settingsFor}'s
 * settings. Holes are filled in objects, never in the thin network an inverted run predicts
 * (ISBI membranes: its holes are the cells).
 */
export function postprocessFor(
  predictor: LoadedPredictor,
  map: Parameters<typeof postprocess>[0],
  given: Partial<PostprocessSettings> = {}
): PostprocessResult {
  const o = settingsFor(predictor, given)
  return postprocess(map, {
    target: predictor.target,
    threshold: o.threshold,
    minSize: o.minSize,
    minScore: o.minScore,
    fillHoles: !predictor.config.invertMask,
    instances: o.split ? 'split' : 'components',
    split: o.splitOptions,
    seeds: o.seeds
  })
}

/** µm per pixel of an image: the user's, else a TIFF's own resolution, else unknown. */
async function pixelSizeOf(path: string, given?: number): Promise<number | undefined> {
  if (given) return given
  if (!/\.tiff?$/i.test(path)) return undefined
  return (await readTiffPixelSize(path))?.um
}

/** Predict, post-process and export one image; returns its record. */
async function processImage(
  predictor: LoadedPredictor,
  raw: AnyImage,
  path: string,
  name: string,
  stem: string,
  o: PredictFolderOptions & typeof DEFAULT_PREDICT,
  settings: ExportSettings
): Promise<ImageRecord> {
  const unit = normalizeImage(raw, predictor.channels, predictor.config.normalization)
  const size = predictor.config.size
  const scale = o.scale ?? 1
  const auto = () => autoTile(raw.width * scale, raw.height * scale, predictor.tile)
  const map = await predictImage(predictor, unit, {
    tile: predictor.config.resize ? 0 : (o.tile ?? auto()),
    overlap: o.overlap ?? DEFAULT_TILE_OPTIONS.overlap,
    batchSize: o.batchSize ?? DEFAULT_TILE_OPTIONS.batchSize,
    scale,
    resizeTo: predictor.config.resize && o.scale === undefined ? [size, size] : undefined,
    tta: o.tta,
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
    pixelSize: o.csv ? await pixelSizeOf(path, o.pixelSize) : undefined,
    fingerprint: settings.fingerprint
  }
  await writeImageOutputs(o.out, stem, settings, {
    image: raw,
    mask: result.mask,
    classMask,
    classColour: (k) =>
      predictor.config.project?.classes.find((c) => c.index === k)?.color ?? defaultClassColor(k),
    labels,
    record
  })
  return record
}

/**
 * Throws when the tile and overlap given leave no room (every image would fail): checked before
 * anything is written. Without a tile the predictor's own (used for large images) is checked.
 */
export function checkFolderTiling(
  predictor: LoadedPredictor,
  o: Pick<PredictFolderOptions, 'tile' | 'overlap'>
): void {
  if (predictor.config.resize) return
  checkTiling(predictor, o.tile ?? predictor.tile, o.overlap ?? DEFAULT_TILE_OPTIONS.overlap)
}

/**
 * Predict every image of a folder (its `images/` for a dataset root whose images are there) and
 * export masks (and instances, overlays, CSVs as asked).
 * Images already exported with the same settings are skipped; unreadable ones are reported. An
 * image's outputs from an earlier export with other settings are removed before it is predicted,
 * when it fails, and (for the images a cancelled run did not reach) at the end, so the folder only
 * holds this run's outputs (and those of the same settings from before). An output inside the
 * input's dataset is refused first (`PredictOutputError`).
 */
export async function predictFolder(
  predictor: LoadedPredictor,
  options: PredictFolderOptions
): Promise<PredictSummary> {
  const started = Date.now()
  checkFolderTiling(predictor, options)
  const post = settingsFor(predictor, options)
  const o = { ...DEFAULT_PREDICT, ...options, tta: post.tta }
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify([
        predictor.config.createdAt,
        predictor.stamp ?? null,
        predictor.config.out,
        o.tile,
        o.overlap,
        o.scale,
        post.tta,
        post.threshold,
        post.minSize,
        post.minScore,
        post.split,
        post.splitOptions,
        post.seeds,
        o.pixelSize ?? null,
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
  let reached = 0
  for (const [index, img] of images.entries()) {
    if (o.signal?.aborted) {
      cancelled = true
      break
    }
    reached = index + 1
    const name = img.path.slice(img.path.lastIndexOf('/') + 1)
    const progress = { index: index + 1, total: images.length, image: name }
    const previous = await finishedRecord(o.out, img.stem, settings)
    if (previous) {
      records.push(previous)
      counts.skipped++
      o.onProgress?.({ ...progress, status: 'skipped', objects: previous.objects })
      continue
    }
    await clearImageOutputs(o.out, img.stem)
    try {
      const raw = await readAnyImage(img.path)
      const record = await processImage(predictor, raw, img.path, name, img.stem, o, settings)
      records.push(record)
      counts.done++
      o.onProgress?.({ ...progress, status: 'done', objects: record.objects })
    } catch (err) {
      await clearImageOutputs(o.out, img.stem)
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
  for (const img of cancelled ? images.slice(reached) : []) {
    const kept = await finishedRecord(o.out, img.stem, settings)
    if (kept) records.push(kept)
    else await clearImageOutputs(o.out, img.stem)
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
