/** Evaluation options: one schema for the engine and the CLI. */
import { z } from 'zod'
import { backendName } from './backend'
import { path } from './common'

/** Scoring a trained run on a labelled dataset, at each image's original resolution. */
export const evalOptions = z.strictObject({
  /** Run folder (config.json + model/). */
  model: path,
  /** Labelled dataset folder. */
  data: path,
  backend: backendName.optional()
})

/** Evaluation options. */
export type EvalOptions = z.output<typeof evalOptions>

/** The names of the evaluation options, for completeness checks. */
export const EVAL_OPTION_NAMES = Object.keys(evalOptions.shape) as (keyof EvalOptions)[]
