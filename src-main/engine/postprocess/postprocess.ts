import {
  type Connectivity,
  fillHoles,
  labelComponents,
  type LabelImage,
  relabel,
  removeSmallObjects
} from './components'
import { instancesFromBoundary, type SplitOptions, splitTouching } from './split-touching'
import { argmaxClasses, channelOf, thresholdMap } from './threshold'

/** A model output: `channels` interleaved scores per pixel (1 = foreground probability). */
export interface ProbabilityMap {
  data: Float32Array
  width: number
  height: number
  channels: number
}

/** What the model was trained to predict. */
export type TargetKind = 'binary' | 'boundary' | 'classes'

/** How objects become instances: none, connected components, or components split apart. */
export type InstanceMode = 'none' | 'components' | 'split'

/** Options for {@link postprocess}. */
export interface PostprocessOptions {
  target?: TargetKind
  threshold?: number
  minSize?: number
  fillHoles?: boolean
  instances?: InstanceMode
  connectivity?: Connectivity
  split?: SplitOptions
}

/** Defaults: threshold 0.5, holes filled, no size filter, 8-connected components. */
export const DEFAULT_POSTPROCESS: Required<Omit<PostprocessOptions, 'split'>> = {
  target: 'binary',
  threshold: 0.5,
  minSize: 0,
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
  const classes = o.target === 'boundary' ? argmaxClasses(map.data, channels) : undefined
  let fg = classes ? classes.map((c) => (c === 0 ? 0 : 1)) : foreground(map, o.threshold)
  if (o.fillHoles) fg = fillHoles(fg, w, h, o.connectivity)
  if (o.minSize > 0) fg = removeSmallObjects(fg, w, h, o.minSize, o.connectivity)
  if (o.instances === 'none') return { mask: fg }
  let instances: LabelImage
  if (o.instances === 'components') {
    instances = labelComponents(fg, w, h, o.connectivity)
  } else if (classes) {
    const cls = classes.map((c, i) => (fg[i] ? c : 0))
    const cost = channelOf(map.data, channels, 2)
    instances = instancesFromBoundary(cls, w, h, { cost, minSize: o.minSize })
  } else {
    const probability = channels === 1 ? map.data : undefined
    instances = splitTouching(fg, w, h, { minSize: o.minSize, ...o.split }, probability)
  }
  if (o.minSize > 0) instances = relabel(instances.labels, o.minSize)
  for (let i = 0; i < fg.length; i++) fg[i] = instances.labels[i] ? 1 : 0
  return { mask: fg, instances }
}

/** Foreground (0/1) of a binary or multi-channel map: threshold, or argmax ≠ 0. */
function foreground(map: ProbabilityMap, threshold: number): Uint8Array {
  if (map.channels === 1) return thresholdMap(map.data, threshold)
  return argmaxClasses(map.data, map.channels).map((c) => (c === 0 ? 0 : 1))
}
