import {
  type Connectivity,
  fillHoles,
  labelComponents,
  type LabelImage,
  relabel,
  removeSmallObjects
} from './components'
import {
  instanceForeground,
  type InstanceMapKind,
  instancesFromMap,
  type SeedOptions
} from './instance-maps'
import { dropFaintObjects } from './object-score'
import { type SplitOptions, splitTouching } from './split-touching'
import { argmaxClasses, thresholdMap } from './threshold'

/** A model output: `channels` interleaved scores per pixel (1 = foreground probability). */
export interface ProbabilityMap {
  data: Float32Array
  width: number
  height: number
  channels: number
}

/**
 * What a map holds: a binary foreground probability, class probabilities, or an instance model's
 * outputs (3-class boundary, foreground + distance, or both).
 */
export type TargetKind = 'binary' | 'classes' | InstanceMapKind

/** How objects become instances: none, connected components, or components split apart. */
export type InstanceMode = 'none' | 'components' | 'split'

/** Options for {@link postprocess}. */
export interface PostprocessOptions {
  target?: TargetKind
  threshold?: number
  minSize?: number
  /**
   * Objects whose mean foreground probability is below this are dropped, after splitting
   * (0 = keep all).
   */
  minScore?: number
  fillHoles?: boolean
  instances?: InstanceMode
  connectivity?: Connectivity
  /** Binary maps: how touching objects are split (distance watershed). */
  split?: SplitOptions
  /** Instance maps: how seeds are found and grown. */
  seeds?: SeedOptions
}

/** Defaults: threshold 0.5, holes filled, no size filter, 8-connected components. */
export const DEFAULT_POSTPROCESS: Required<Omit<PostprocessOptions, 'split' | 'seeds'>> = {
  target: 'binary',
  threshold: 0.5,
  minSize: 0,
  minScore: 0,
  fillHoles: true,
  instances: 'components',
  connectivity: 8
}

/** The post-processed prediction: a mask (0/1, or class indices) and optional instance ids. */
export interface PostprocessResult {
  mask: Uint8Array
  instances?: LabelImage
}

/** Threshold or argmax a prediction, clean it up, and label its objects. */
export function postprocess(
  map: ProbabilityMap,
  options: PostprocessOptions = {}
): PostprocessResult {
  const o = { ...DEFAULT_POSTPROCESS, ...options }
  const { width: w, height: h, channels } = map
  if (o.target === 'classes') {
    return {
      mask: channels === 1 ? thresholdMap(map.data, o.threshold) : argmaxClasses(map.data, channels)
    }
  }
  const instanceKind = o.target === 'binary' ? null : o.target
  const probability = foregroundProbability(map, o.target)
  let fg = channels === 1 || instanceKind ? thresholdMap(probability, o.threshold) : foreground(map)
  if (o.fillHoles) fg = fillHoles(fg, w, h, o.connectivity)
  if (o.minSize > 0) fg = removeSmallObjects(fg, w, h, o.minSize, o.connectivity)
  if (o.instances === 'none' && o.minScore <= 0) return { mask: fg }
  let instances: LabelImage
  if (o.instances === 'components' || o.instances === 'none') {
    instances = labelComponents(fg, w, h, o.connectivity)
  } else if (instanceKind) {
    instances = instancesFromMap(map.data, instanceKind, fg, w, h, o.seeds)
  } else {
    const p = channels === 1 ? map.data : undefined
    instances = splitTouching(fg, w, h, { minSize: o.minSize, ...o.split }, p)
  }
  if (o.minSize > 0) instances = relabel(instances.labels, o.minSize)
  if (o.minScore > 0) instances = dropFaintObjects(instances, probability, o.minScore)
  for (let i = 0; i < fg.length; i++) fg[i] = instances.labels[i] ? 1 : 0
  return o.instances === 'none' ? { mask: fg } : { mask: fg, instances }
}

/** Foreground (0/1) of a multi-channel binary map: argmax ≠ 0. */
function foreground(map: ProbabilityMap): Uint8Array {
  return argmaxClasses(map.data, map.channels).map((c) => (c === 0 ? 0 : 1))
}

/**
 * Foreground probability (one value per pixel) of a binary or instance map; of a multi-channel
 * binary map, 1 − P(background).
 */
export function foregroundProbability(map: ProbabilityMap, kind: TargetKind): ArrayLike<number> {
  if (kind !== 'binary' && kind !== 'classes') return instanceForeground(map.data, kind)
  if (map.channels === 1) return map.data
  if (kind === 'classes') throw new Error(`a ${map.channels}-class map has no one foreground`)
  const out = new Float32Array(map.width * map.height)
  for (let i = 0; i < out.length; i++) out[i] = 1 - map.data[i * map.channels]
  return out
}
