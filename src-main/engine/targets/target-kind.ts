/** What a model is trained to predict, and what that means for its output channels. */

import {
  type LabelKind,
  LABEL_KINDS,
  type Separation,
  SEPARATIONS
} from '../../../src-preload/options/target'
import { TRAIN_DEFAULTS } from '../../../src-preload/options/train'

export { SEPARATIONS, type Separation } from '../../../src-preload/options/target'

/** A binary mask, class indices, or instances (a target that separates touching objects). */
export const TARGETS = LABEL_KINDS
/** A binary mask, class indices, or instances (a target that separates touching objects). */
export type Target = LabelKind

/** Separation of new instance runs (chosen on the DSB2018 validation split, bench/README.md). */
export const DEFAULT_SEPARATION: Separation = TRAIN_DEFAULTS.separation

/** How raw outputs become probabilities. */
export type Activation = 'sigmoid' | 'softmax' | 'softmax-sigmoid' | 'none'

/** The target settings a model's outputs depend on. */
export interface TargetSettings {
  target: Target
  separation: Separation
  classes: number
}

/** Output channels of the model's head. */
export function outputChannels(t: TargetSettings): number {
  if (t.target !== 'instances') return t.classes
  return t.separation === 'boundary' ? 3 : t.separation === 'distance' ? 2 : 4
}

/**
 * The activation of a head with logits: sigmoid (binary; instances by distance: foreground and
 * distance), softmax (classes; instances by boundary), softmax over the 3 classes plus a sigmoid
 * distance (instances by both).
 */
export function activationOf(t: TargetSettings): Activation {
  if (t.target !== 'instances') return t.classes === 1 ? 'sigmoid' : 'softmax'
  return t.separation === 'boundary'
    ? 'softmax'
    : t.separation === 'distance'
      ? 'sigmoid'
      : 'softmax-sigmoid'
}

/** Run config fields a target is read from (older runs have no `target`). */
export interface TargetFields {
  target?: string
  separation?: string
  classes: number
}

/** The target of a run config: its `target` field, or binary / classes for runs made before it. */
export function targetOf(config: TargetFields): TargetSettings {
  const target: Target = TARGETS.includes(config.target as Target)
    ? (config.target as Target)
    : config.classes > 1
      ? 'classes'
      : 'binary'
  const separation = SEPARATIONS.includes(config.separation as Separation)
    ? (config.separation as Separation)
    : DEFAULT_SEPARATION
  return { target, separation, classes: config.classes }
}
