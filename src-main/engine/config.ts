/**
 * The training configuration as the engine uses it. The options themselves (schema, defaults,
 * cross-field rules) live in `src-preload/options/train.ts`, shared with the CLI and the UI.
 */
import { parseOptions } from '../../src-preload/options/common'
import type { ModelPostprocess } from '../../src-preload/options/predict'
import type { Project } from '../../src-preload/project'
import {
  trainConfig,
  type TrainConfig,
  type TrainConfigInput,
  type TrainResumeInput
} from '../../src-preload/options/train'
import type { Target } from './targets/target-kind'

export {
  augmentSchema,
  trainConfig,
  type AugmentConfig,
  type TrainConfig,
  type TrainConfigInput,
  type TrainResumeInput
} from '../../src-preload/options/train'

import type { Normalization } from './normalize'

/** Saved as `config.json` in a run folder: the stable contract read by prediction and eval. */
export interface RunConfig extends Omit<TrainConfig, 'target'> {
  version: number
  /** What the model predicts (runs made before this field: binary or classes by `classes`). */
  target: Target
  /** Input channels the model expects (images are converted to this count). */
  channels: number
  /** The model outputs logits: sigmoid for 1 class, softmax over `classes` otherwise. */
  output: 'logits'
  /**
   * Scale to 0..1 by bit depth, then subtract the image mean and divide by its std (and invert
   * bright-background images: '-polarity'). Runs made before this field: 'per-image-standardize'.
   */
  normalization: Normalization
  /** What the foreground (class 1) is, in words, for binary runs. */
  foreground: string
  /** Sample ids of the seeded split (a fine-tune draws a fresh one over the images labelled now). */
  split: { train: string[]; val: string[] }
  /** The dataset's project.json when the run started (label type, invert, named classes). */
  project?: Project
  /** Fine-tunes: the folder the starting weights were loaded from (`init` names the model). */
  initWeights?: string
  /** Post-processing chosen for this model on its validation split (the shipped model's). */
  postprocess?: ModelPostprocess
  createdAt: string
}

/**
 * Fill defaults and reject bad values, naming each offending field (`OptionsError`, message
 * `bad training config: <field>: <reason>`); unknown keys are refused.
 */
export function validateConfig(input: TrainConfigInput | TrainResumeInput): TrainConfig {
  return parseOptions(trainConfig, input, 'bad training config')
}
