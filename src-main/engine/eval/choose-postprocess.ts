/**
 * Choose a model's post-processing on labelled instance images: predict each image once per
 * test-time augmentation setting, then score every setting of a small grid (TTA × threshold ×
 * smallest object × object probability floor × split peak h, or × seed level for instance
 * targets) by mean object F1@0.5, AP50 breaking ties, then the cheaper setting (no TTA), then the
 * lower floor. The result is what a model's config.json `postprocess` holds (`npm run
 * model:nuclei` writes it for the shipped one).
 */
import type { ModelPostprocess } from '../../../src-preload/options/predict'
import { readAnyImage } from '../../data/image-io'
import { readEffectiveLabel } from '../../data/label-store'
import type { Sample } from '../../data/dataset'
import type { LoadedPredictor } from '../infer/load-predictor'
import { postprocessFor } from '../infer/predict-folder'
import { instanceMetrics } from '../postprocess/instance-metrics'
import type { LabelImage } from '../postprocess/components'
import { dropFaintObjects } from '../postprocess/object-score'
import { foregroundProbability, type ProbabilityMap } from '../postprocess/postprocess'
import { predictSample } from './evaluate'

/** The values tried for each setting. */
export interface PostprocessGrid {
  /** Test-time augmentation off and/or on (each image is predicted once per value). */
  tta: boolean[]
  threshold: number[]
  minSize: number[]
  /** Floors on each object's mean foreground probability (0 keeps all). */
  minScore: number[]
  /** Binary targets: split peak h (px). */
  h: number[]
  /** Instance targets: seed level on the predicted distance. */
  seedLevel: number[]
}

/**
 * The grid searched by default. Smallest objects stop at 30 px: the DSB2018 annotations have no
 * nucleus under 20 px and 2% under 30, so larger cut-offs would tune to this data's scale. The
 * probability floors are where the shipped nuclei model's faint objects on background go
 * (bench/README.md: 0.7–0.8 add 0.01–0.02 F1 to three models, lower ones little, 0.9 loses).
 */
export const DEFAULT_GRID: PostprocessGrid = {
  tta: [false, true],
  threshold: [0.4, 0.5, 0.6],
  minSize: [10, 20, 30],
  minScore: [0, 0.7, 0.8],
  h: [1, 2, 3],
  seedLevel: [0.3, 0.4, 0.5, 0.6, 0.7]
}

/** One setting's mean scores. */
export interface GridScore {
  settings: ModelPostprocess
  f1: number
  ap50: number
}

/** The chosen setting and every setting's scores, best first. */
export interface ChosenPostprocess {
  chosen: GridScore
  rows: GridScore[]
  images: number
}

/** Every setting of the grid that suits the predictor's target. */
export function gridSettings(
  predictor: LoadedPredictor,
  grid: PostprocessGrid = DEFAULT_GRID
): ModelPostprocess[] {
  const split =
    predictor.target === 'binary'
      ? grid.h.map((h) => ({ h }))
      : grid.seedLevel.map((seedLevel) => ({ seedLevel }))
  return grid.tta.flatMap((tta) =>
    grid.threshold.flatMap((threshold) =>
      grid.minSize.flatMap((minSize) =>
        grid.minScore.flatMap((minScore) =>
          split.map((s) => ({ threshold, minSize, minScore, ...s, tta }))
        )
      )
    )
  )
}

/**
 * A scorer of settings on one predicted map against its instance ground truth. Settings that
 * differ only in their probability floor share one split: the floor is post-processing's last
 * step, applied here to the unfloored objects as `postprocess` applies it.
 */
function mapScorer(
  predictor: LoadedPredictor,
  map: ProbabilityMap,
  gt: ArrayLike<number>
): (s: ModelPostprocess) => { f1: number; ap: number } {
  const probability = foregroundProbability(map, predictor.target)
  const unfloored = new Map<string, LabelImage>()
  return (s) => {
    const key = JSON.stringify({ ...s, minScore: 0 })
    let objects = unfloored.get(key)
    if (!objects) {
      objects = postprocessFor(predictor, map, {
        threshold: s.threshold,
        minSize: s.minSize,
        minScore: 0,
        split: true,
        splitOptions: s.h === undefined ? undefined : { h: s.h },
        seeds: s.seedLevel === undefined ? undefined : { level: s.seedLevel }
      }).instances!
      unfloored.set(key, objects)
    }
    const kept = dropFaintObjects(objects, probability, s.minScore ?? 0)
    const m = instanceMetrics(gt, kept.labels, map.width, map.height, 0.5)
    return { f1: m.f1, ap: m.ap }
  }
}

/**
 * Predict each sample of dataset `root` once and score every grid setting; the best mean F1 (then
 * AP50) is chosen. Samples need instance ground truth (per-object masks, id maps, or edited
 * instance labels: each sample's effective label, as eval reads it).
 */
export async function choosePostprocess(
  predictor: LoadedPredictor,
  root: string,
  samples: Sample[],
  grid: PostprocessGrid = DEFAULT_GRID,
  onImage?: (done: number, total: number) => void
): Promise<ChosenPostprocess> {
  if (predictor.target === 'classes') throw new Error('class models have no instances to tune')
  if (samples.length === 0) throw new Error('no labelled images to choose post-processing on')
  const settings = gridSettings(predictor, grid)
  const sums = settings.map(() => ({ f1: 0, ap: 0 }))
  for (const [i, sample] of samples.entries()) {
    const raw = await readAnyImage(sample.imagePath)
    const gt = (await readEffectiveLabel(root, sample, { kind: 'instances' })).data
    for (const tta of grid.tta) {
      const score = mapScorer(predictor, await predictSample(predictor, raw, tta), gt)
      settings.forEach((s, k) => {
        if (s.tta !== tta) return
        const { f1, ap } = score(s)
        sums[k].f1 += f1
        sums[k].ap += ap
      })
    }
    onImage?.(i + 1, samples.length)
  }
  const n = samples.length
  const rows = settings
    .map((s, k) => ({ settings: s, f1: sums[k].f1 / n, ap50: sums[k].ap / n }))
    .sort(
      (a, b) =>
        b.f1 - a.f1 ||
        b.ap50 - a.ap50 ||
        Number(a.settings.tta) - Number(b.settings.tta) ||
        (a.settings.minScore ?? 0) - (b.settings.minScore ?? 0)
    )
  return { chosen: rows[0], rows, images: n }
}
