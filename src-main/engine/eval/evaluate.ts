import { readAnyImage } from '../../data/image-io'
import { readLabel } from '../../data/labels'
import { scanDataset } from '../../data/dataset'
import { initBackend, type BackendName } from '../backend/init-backend'
import { accumulate, createConfusion, scores } from '../metrics'
import { normalizeImage } from '../normalize'
import { loadPredictor } from '../infer/load-predictor'
import { predictImage } from '../infer/predict-image'
import { InstanceScorer } from './instance-eval'

/** Scores of a run on a labelled dataset, at each image's original resolution. */
export interface EvalResult {
  /** Pixel IoU / Dice of the foreground (binary) or mean over classes, pooled over all images. */
  iou: number
  dice: number
  /** Mean of per-image IoU. */
  meanImageIou: number
  perClassIou: number[]
  images: number
  skipped: { file: string; reason: string }[]
  /** With instance ground truth (DSB2018 masks): mean per-image object F1 and AP at IoU 0.5. */
  f1?: number
  ap50?: number
  /** Mean per-image F1 of plain connected components (no splitting), for comparison. */
  f1Components?: number
}

/** Predict every labelled image of `dataDir` whole (padded to 2^depth) and score it. */
export async function evaluateRun(
  runDir: string,
  dataDir: string,
  opts: {
    backend?: BackendName
    onImage?: (id: string, iou: number, done: number, total: number) => void
  } = {}
): Promise<EvalResult> {
  await initBackend(opts.backend)
  const predictor = await loadPredictor(runDir)
  const { config } = predictor
  try {
    const scan = await scanDataset(dataDir)
    const samples = scan.samples.filter((s) => s.maskPath || s.instanceMaskPaths?.length)
    const skipped = scan.problems.map((p) => ({ file: p.file, reason: p.reason }))
    const total = createConfusion(config.classes)
    const perImage: number[] = []
    const instances = new InstanceScorer(predictor)
    for (const sample of samples) {
      try {
        const raw = await readAnyImage(sample.imagePath)
        const lab = await readLabel(sample, config.classes > 1 ? 'classes' : 'binary')
        if (lab.width !== raw.width || lab.height !== raw.height)
          throw new Error('label size differs from image')
        const image = normalizeImage(raw, config.channels)
        const scale = config.resize ? config.size / Math.sqrt(raw.width * raw.height) : 1
        const map = await predictImage(predictor, image, { tile: 0, scale })
        const pred = new Uint8Array(raw.width * raw.height)
        const truth = new Uint8Array(pred.length)
        for (let i = 0; i < pred.length; i++) {
          if (config.classes === 1) {
            pred[i] = map.data[i] > 0.5 ? 1 : 0
            truth[i] = config.invertMask ? (lab.data[i] ? 0 : 1) : lab.data[i] ? 1 : 0
          } else {
            let best = 0
            for (let c = 1; c < config.classes; c++)
              if (map.data[i * config.classes + c] > map.data[i * config.classes + best]) best = c
            pred[i] = best
            truth[i] = Math.min(255, lab.data[i])
          }
        }
        accumulate(total, pred, truth, config.ignoreIndex)
        if (sample.instanceMaskPaths?.length && config.classes === 1) {
          instances.add(map, (await readLabel(sample, 'instances')).data)
        }
        const one = scores(
          accumulate(createConfusion(config.classes), pred, truth, config.ignoreIndex)
        )
        perImage.push(one.mainIou)
        opts.onImage?.(sample.id, one.mainIou, perImage.length, samples.length)
      } catch (err) {
        skipped.push({ file: sample.imagePath, reason: (err as Error).message })
      }
    }
    const s = scores(total)
    const meanImageIou = perImage.length
      ? perImage.reduce((a, b) => a + b, 0) / perImage.length
      : NaN
    const objects = instances.result()
    const { f1, ap50, f1Components } = objects ?? {}
    return {
      iou: s.mainIou,
      dice: s.mainDice,
      meanImageIou,
      perClassIou: s.iou,
      images: perImage.length,
      skipped,
      ...(objects && { f1, ap50, f1Components })
    }
  } finally {
    predictor.model.dispose()
  }
}
