/** Options of `tune`: choosing a trained run's post-processing; one schema for engine and CLI. */
import { z } from 'zod'
import { backendName } from './backend'
import { path } from './common'

/** Choosing a run's object post-processing on labelled instance images, saved in its config.json. */
export const tuneOptions = z.strictObject({
  /** Run folder (config.json + model/) whose post-processing is chosen and saved. */
  model: path,
  /**
   * Dataset folder with instance labels to choose on; default: the run's own validation images
   * (another folder: every image of it with instance labels).
   */
  data: path.optional(),
  /**
   * Try test-time augmentation too: each image is predicted a second time, as the mean of its 8
   * flips and transposes (about 5× the time of tuning without).
   */
  tta: z.boolean().default(true),
  backend: backendName.optional()
})

/** Tuning options. */
export type TuneOptions = z.output<typeof tuneOptions>
/** Tuning options as a caller writes them. */
export type TuneOptionsInput = z.input<typeof tuneOptions>

/** The names of the tuning options, for completeness checks. */
export const TUNE_OPTION_NAMES = Object.keys(tuneOptions.shape) as (keyof TuneOptions)[]
