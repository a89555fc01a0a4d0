/** Evaluation options: one schema for the engine, the CLI and the `eval:start` job. */
import { z } from 'zod'
import { backendName } from './backend'
import { path } from './common'

/** Which images are scored: the run's own validation split, or every labelled image. */
export const EVAL_SPLITS = ['val', 'all'] as const

/** Which images are scored. */
export type EvalSplit = (typeof EVAL_SPLITS)[number]

/** Scoring a trained run on a labelled dataset, at each image's original resolution. */
export const evalOptions = z.strictObject({
  /** Run folder (config.json + model/), or a built-in model's name (`nuclei`). */
  model: path,
  /** Labelled dataset folder; default: the dataset the run was trained on. */
  data: path.optional(),
  /** `val` (default): only the run's validation images; `all`: every labelled image. */
  split: z.enum(EVAL_SPLITS).default('val'),
  /** Folder for `eval.json` and each image's prediction (for the side-by-side view). */
  out: path.optional(),
  /**
   * Test-time augmentation: average the 8 flips and transposes (the network runs 8 times: about
   * 4× the prediction time); default: the model's choice, else off.
   */
  tta: z.boolean().optional(),
  /** Folder for `<id>.png`: original | prediction | label | predicted outlines. */
  gallery: path.optional(),
  backend: backendName.optional()
})

/** Evaluation options. */
export type EvalOptions = z.output<typeof evalOptions>
/** Evaluation options as a caller writes them. */
export type EvalOptionsInput = z.input<typeof evalOptions>

/** The names of the evaluation options, for completeness checks. */
export const EVAL_OPTION_NAMES = Object.keys(evalOptions.shape) as (keyof EvalOptions)[]
