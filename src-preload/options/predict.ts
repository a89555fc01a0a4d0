/**
 * Batch prediction options: one schema for the engine, the CLI flags and the `predict:start`
 * channel. Defaults are written here only.
 */
import { z } from 'zod'
import { backendName } from './backend'
import { path } from './common'

/** How a folder is predicted and what is written for each image. */
const predictSettings = {
  /**
   * Largest tile side in pixels; default: whole images up to 1024×1024 px, tiles of 512 (or the
   * run's patch size if larger) beyond; 0 = always whole.
   */
  tile: z.number().int().min(0).optional(),
  /** Pixels shared by neighbouring tiles. */
  overlap: z.number().int().min(0).default(32),
  /** Tiles per forward pass. */
  batch: z.number().int().min(1).default(8),
  /** Resize images by this factor before inference (the map is resized back). */
  scale: z.number().positive().optional(),
  /**
   * Test-time augmentation: average the probabilities of the 8 flips and transposes (the network
   * runs 8 times: about 4× the prediction time); default: the model's choice, else off.
   */
  tta: z.boolean().optional(),
  /** Foreground probability threshold (default: the model's chosen one, else 0.5). */
  threshold: z.number().min(0).max(1).optional(),
  /** Objects smaller than this many pixels are dropped (default: the model's, else 10). */
  minSize: z.number().int().min(0).optional(),
  /**
   * Objects whose mean foreground probability is below this are dropped, after splitting: faint
   * debris and outlines go (default: the model's, else 0 = keep all).
   */
  minScore: z.number().min(0).max(1).optional(),
  /** Split touching objects (distance watershed for binary runs, seeds for instance runs). */
  split: z.boolean().default(true),
  /** Split, binary runs: minimal dynamic of a distance peak, in pixels (default: the model's, else 2). */
  h: z.number().positive().optional(),
  /** Split, instance runs: seeds where the predicted distance (0..1) is at least this. */
  seedLevel: z.number().min(0).max(1).optional(),
  /** Write 16-bit instance-id maps to `instances/`. */
  instances: z.boolean().default(false),
  /** Write coloured outlines over the image to `overlays/`. */
  overlay: z.boolean().default(false),
  /** Write `measurements.csv` (one row per object). */
  csv: z.boolean().default(false),
  /** µm per pixel for the CSV's physical columns (default: each TIFF file's own resolution). */
  pixelSize: z.number().positive().optional(),
  format: z.enum(['png', 'tiff']).default('png'),
  backend: backendName.optional()
}

/**
 * Post-processing chosen for a model on its validation split, saved as `postprocess` in its
 * config.json (`npm run model:nuclei` writes it for the shipped model). Prediction and eval use
 * each of these where the user gave none, else {@link POSTPROCESS_FALLBACK}.
 */
export const modelPostprocess = z.strictObject({
  threshold: predictSettings.threshold,
  minSize: predictSettings.minSize,
  minScore: predictSettings.minScore,
  h: predictSettings.h,
  seedLevel: predictSettings.seedLevel,
  tta: predictSettings.tta
})

/** A model's chosen post-processing (every field optional). */
export type ModelPostprocess = z.output<typeof modelPostprocess>

/**
 * Threshold, smallest object, object probability floor, split peak h and test-time augmentation
 * when neither the user nor the model chose them.
 */
export const POSTPROCESS_FALLBACK = {
  threshold: 0.5,
  minSize: 10,
  minScore: 0,
  h: 2,
  tta: false
} as const

/** A batch prediction: the trained run, the input and output folders, and the settings. */
export const predictOptions = z.strictObject({
  /** Run folder (config.json + model/), or a built-in model's name (`nuclei`). */
  model: path,
  /** Folder of images (or a dataset folder: its images are used). */
  input: path,
  /** Output folder: masks/, instances/, overlays/, counts.csv, measurements.csv. */
  out: path,
  ...predictSettings
})

/** Prediction options with every default filled. */
export type PredictOptions = z.output<typeof predictOptions>
/** Prediction options as a caller writes them. */
export type PredictOptionsInput = z.input<typeof predictOptions>

/** Every prediction setting's default. */
export const PREDICT_DEFAULTS: Omit<PredictOptions, 'model' | 'input' | 'out'> = z
  .object(predictSettings)
  .parse({})

/** The names of the prediction options, for completeness checks. */
export const PREDICT_OPTION_NAMES = Object.keys(predictOptions.shape) as (keyof PredictOptions)[]

/** Suffix of the default output folder, a sibling of the input: `<input>-predictions`. */
export const PREDICTIONS_SUFFIX = '-predictions'

/** The default output of predicting `input`: the sibling folder `<input>-predictions`. */
export function defaultPredictionsDir(input: string): string {
  return input.replace(/[\\/]+$/, '') + PREDICTIONS_SUFFIX
}
