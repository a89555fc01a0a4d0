import { definedOnly } from '../../../src-preload/options/common'
import type { ModelPostprocess } from '../../../src-preload/options/predict'
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { galleryRow } from '../../data/export/gallery'
import { readAnyImage, writeImage, type AnyImage } from '../../data/image-io'
import { editedLabelPath, readEffectiveLabel } from '../../data/label-store'
import { type Sample, scanDataset } from '../../data/dataset'
import { initBackend, type BackendName } from '../backend/init-backend'
import { accumulate, createConfusion, scores } from '../metrics'
import { normalizeImage } from '../normalize'
import { autoTile, loadPredictor, type LoadedPredictor } from '../infer/load-predictor'
import { predictImage } from '../infer/predict-image'
import { appliedPostprocess, settingsFor, type PostprocessSettings } from '../infer/predict-folder'
import { foregroundProbability, type ProbabilityMap } from '../postprocess/postprocess'
import { argmaxClasses } from '../postprocess/threshold'
import { InstanceScorer } from './instance-eval'

/** One image's scores. */
export interface EvalImageScore {
  id: string
  /** Foreground IoU (binary) or mean class IoU, and Dice. */
  iou: number
  dice: number
  /** Object F1 and AP at IoU 0.5 (instance ground truth only). */
  f1?: number
  ap50?: number
  /** Objects predicted and in the ground truth (instance ground truth only). */
  predicted?: number
  truth?: number
}

/** Scores of a run on a labelled dataset, at each image's original resolution. */
export interface EvalResult {
  /** Pixel IoU / Dice of the foreground (binary) or mean over classes, pooled over all images. */
  iou: number
  dice: number
  /** Mean of per-image IoU. */
  meanImageIou: number
  /** IoU per class; null for a class in neither the labels nor the predictions. */
  perClassIou: (number | null)[]
  images: number
  skipped: { file: string; reason: string }[]
  /**
   * With instance ground truth (DSB2018 masks, 16-bit id maps, edited instance labels): mean
   * per-image object F1 and AP at IoU 0.5.
   */
  f1?: number
  ap50?: number
  /** Mean per-image F1 of plain connected components (no splitting), for comparison. */
  f1Components?: number
  /** How objects were made from the predictions (with instance ground truth). */
  postprocess?: ModelPostprocess
  /** Whether each prediction averaged the 8 flips and transposes (given, else the model's choice). */
  tta: boolean
  /** Each scored image, in the order scored. */
  perImage: EvalImageScore[]
}

/** Options of {@link evaluateRun}. */
export interface EvalRunOptions {
  backend?: BackendName
  /** Only these sample ids (e.g. the run's validation split). */
  ids?: string[]
  /**
   * Write each image's prediction to `<predictions>/<id>.png`: 16-bit instance ids where the
   * ground truth has instances, else class indices (class runs) or 0/255 in the labels' terms.
   */
  predictions?: string
  /** Post-processing of instances (default: predict's). */
  postprocess?: Partial<PostprocessSettings>
  /** Test-time augmentation (8 flips and transposes averaged); default: the model's choice, else off. */
  tta?: boolean
  /** Write `<gallery>/<id>.png`: original | prediction | label | predicted outlines. */
  gallery?: string
  /** After each image: its pixel IoU, and its object F1 when it has instance ground truth. */
  onImage?: (id: string, iou: number, done: number, total: number, f1?: number) => void
}

/** Whether a sample has a label to score against: the dataset's own, or one edited in the app. */
function isLabelled(root: string, s: Sample): boolean {
  return Boolean(
    s.maskPath || s.instanceMaskPaths?.length || existsSync(editedLabelPath(root, s.id))
  )
}

/**
 * Predict a sample at its original resolution as Predict does: whole up to `WHOLE_IMAGE_PIXELS`,
 * in tiles beyond (resize runs: whole, at their training scale).
 */
export async function predictSample(
  predictor: LoadedPredictor,
  raw: AnyImage,
  tta = false
): Promise<ProbabilityMap> {
  const { config } = predictor
  const image = normalizeImage(raw, config.channels, config.normalization)
  const scale = config.resize ? config.size / Math.sqrt(raw.width * raw.height) : 1
  const tile = config.resize ? 0 : autoTile(raw.width, raw.height, predictor.tile)
  return predictImage(predictor, image, { tile, scale, tta })
}

/** Class (or 0/1 foreground) per pixel of a prediction, as eval scores it. */
function predictedClasses(predictor: LoadedPredictor, map: ProbabilityMap): Uint8Array {
  if (predictor.target === 'classes') return argmaxClasses(map.data, map.channels)
  const p = foregroundProbability(map, predictor.target)
  const out = new Uint8Array(map.width * map.height)
  for (let i = 0; i < out.length; i++) out[i] = p[i] > 0.5 ? 1 : 0
  return out
}

/** The labelled samples of a dataset folder (edited labels count), restricted to `ids` when given. */
export async function labelledSamples(
  dataDir: string,
  ids?: string[]
): Promise<{ samples: Sample[]; problems: { file: string; reason: string }[] }> {
  const scan = await scanDataset(dataDir)
  const wanted = ids ? new Set(ids) : null
  const samples = scan.samples.filter(
    (s) => isLabelled(dataDir, s) && (!wanted || wanted.has(s.id))
  )
  return { samples, problems: scan.problems.map((p) => ({ file: p.file, reason: p.reason })) }
}

/**
 * Writes what the side-by-side view shows as the prediction of one image, in the labels' terms
 * (an inverted binary run's foreground is the labels' zero value).
 */
async function writePrediction(
  file: string,
  raw: AnyImage,
  pred: Uint8Array,
  o: { classes: number; invertMask: boolean; instances?: Int32Array }
): Promise<void> {
  const { width, height } = raw
  if (o.instances) {
    const data = Uint16Array.from(o.instances, (v) => Math.min(65535, v))
    return writeImage(file, { data, width, height, channels: 1, bitDepth: 16 })
  }
  const data = o.classes > 1 ? pred : pred.map((v) => (Boolean(v) !== o.invertMask ? 255 : 0))
  await writeImage(file, { data, width, height, channels: 1, bitDepth: 8 })
}

/**
 * Predict every labelled image of `dataDir` (or the `ids` among them) whole, padded to 2^depth,
 * and score it against its effective label (an edited one first). Instance ground truth also
 * gets object F1 and AP50.
 */
export async function evaluateRun(
  runDir: string,
  dataDir: string,
  opts: EvalRunOptions = {}
): Promise<EvalResult> {
  await initBackend(opts.backend)
  const predictor = await loadPredictor(runDir)
  const { config } = predictor
  const classes = predictor.target === 'classes' ? config.classes : 1
  try {
    const { samples, problems: skipped } = await labelledSamples(dataDir, opts.ids)
    if (samples.length === 0)
      throw new Error(
        `${dataDir}: no labelled images to evaluate (no masks or edited labels${opts.ids ? ' among the chosen images' : ''})`
      )
    if (opts.predictions) await mkdir(opts.predictions, { recursive: true })
    if (opts.gallery) await mkdir(opts.gallery, { recursive: true })
    const total = createConfusion(classes)
    const perImage: EvalImageScore[] = []
    const given = { ...opts.postprocess, ...definedOnly({ tta: opts.tta }) }
    const { tta } = settingsFor(predictor, given)
    const instances = new InstanceScorer(predictor, given)
    for (const sample of samples) {
      try {
        const raw = await readAnyImage(sample.imagePath)
        const label = await readEffectiveLabel(dataDir, sample)
        if (label.width !== raw.width || label.height !== raw.height)
          throw new Error('label size differs from image')
        const map = await predictSample(predictor, raw, tta)
        const pred = predictedClasses(predictor, map)
        const truth = new Uint8Array(pred.length)
        for (let i = 0; i < pred.length; i++) {
          const v = label.data[i]
          if (classes > 1) truth[i] = label.kind === 'instances' ? (v ? 1 : 0) : Math.min(255, v)
          else truth[i] = config.invertMask ? (v ? 0 : 1) : v ? 1 : 0
        }
        accumulate(total, pred, truth, config.ignoreIndex)
        const one = scores(accumulate(createConfusion(classes), pred, truth, config.ignoreIndex))
        const row: EvalImageScore = { id: sample.id, iou: one.mainIou, dice: one.mainDice }
        let objects: Int32Array | undefined
        const hasInstances = label.kind === 'instances' && classes === 1 && !config.invertMask
        if (hasInstances) {
          const scored = instances.add(map, label.data)
          Object.assign(row, {
            f1: scored.f1,
            ap50: scored.ap,
            predicted: scored.instances.count,
            truth: scored.truth
          })
          objects = scored.instances.labels
        }
        if (opts.predictions)
          await writePrediction(join(opts.predictions, `${sample.id}.png`), raw, pred, {
            classes,
            invertMask: config.invertMask,
            instances: objects
          })
        if (opts.gallery) {
          const shown = { prediction: objects ?? pred, label: hasInstances ? label.data : truth }
          await writeImage(
            join(opts.gallery, `${sample.id}.png`),
            galleryRow({ image: raw, ...shown })
          )
        }
        perImage.push(row)
        opts.onImage?.(sample.id, row.iou, perImage.length, samples.length, row.f1)
      } catch (err) {
        skipped.push({ file: sample.imagePath, reason: (err as Error).message })
      }
    }
    const s = scores(total)
    const meanImageIou = perImage.length
      ? perImage.reduce((a, r) => a + r.iou, 0) / perImage.length
      : NaN
    const objects = instances.result()
    const { f1, ap50, f1Components } = objects ?? {}
    return {
      iou: s.mainIou,
      dice: s.mainDice,
      meanImageIou,
      perClassIou: s.iou.map((v, k) => (s.present[k] ? v : null)),
      images: perImage.length,
      skipped,
      ...(objects && {
        f1,
        ap50,
        f1Components,
        postprocess: appliedPostprocess(predictor, given)
      }),
      tta,
      perImage
    }
  } finally {
    predictor.model.dispose()
  }
}
