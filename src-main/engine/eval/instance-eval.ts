import { instanceMetrics } from '../postprocess/instance-metrics'
import type { LabelImage } from '../postprocess/components'
import type { ProbabilityMap } from '../postprocess/postprocess'
import type { LoadedPredictor } from '../infer/load-predictor'
import { type PostprocessSettings, postprocessFor } from '../infer/predict-folder'

/** Mean per-image object scores: F1 and DSB2018 AP at IoU 0.5, with and without splitting. */
export interface InstanceScores {
  /** Mean per-image F1 at IoU > 0.5 of the exported instances (split touching objects). */
  f1: number
  /** Mean per-image TP / (TP + FP + FN) at IoU > 0.5 (DSB2018 average precision at 0.5). */
  ap50: number
  /** The same F1 with plain connected components, for comparison. */
  f1Components: number
  images: number
}

/** One image's object scores, with the instances they were computed from. */
export interface ImageInstanceScores {
  f1: number
  ap: number
  /** The exported (split) instances of the prediction. */
  instances: LabelImage
  /** Objects in the ground truth. */
  truth: number
}

/** Collects per-image instance scores for `eval` when the ground truth has instances. */
export class InstanceScorer {
  private f1 = 0
  private ap = 0
  private f1cc = 0
  private n = 0

  constructor(
    private readonly predictor: LoadedPredictor,
    private readonly settings: Partial<PostprocessSettings> = {}
  ) {}

  /** Score one image's prediction against its instance-id ground truth. */
  add(map: ProbabilityMap, gt: ArrayLike<number>): ImageInstanceScores {
    const { width, height } = map
    const split = postprocessFor(this.predictor, map, { ...this.settings, split: true })
    const cc = postprocessFor(this.predictor, map, { ...this.settings, split: false })
    const m = instanceMetrics(gt, split.instances!.labels, width, height, 0.5)
    this.f1 += m.f1
    this.ap += m.ap
    this.f1cc += instanceMetrics(gt, cc.instances!.labels, width, height, 0.5).f1
    this.n++
    return { f1: m.f1, ap: m.ap, instances: split.instances!, truth: m.tp + m.fn }
  }

  /** Mean scores so far (undefined when no image was scored). */
  result(): InstanceScores | undefined {
    if (this.n === 0) return undefined
    return {
      f1: this.f1 / this.n,
      ap50: this.ap / this.n,
      f1Components: this.f1cc / this.n,
      images: this.n
    }
  }
}
