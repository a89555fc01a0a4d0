/**
 * Instances from the outputs of a model trained on an instance target: a 3-class map
 * (background / interior / boundary), a foreground + distance map, or both. One seed per object
 * from the predicted distance (or interior), then a watershed over the foreground.
 */
import { labelComponents, labelLeftovers, type LabelImage, relabel } from './components'
import { hMaximaMarkers } from './markers'
import { markerWatershed } from './watershed'

/** Channel layout of an instance model's probabilities. */
export type InstanceMapKind = 'boundary' | 'distance' | 'both'

/** How seeds are found and grown. */
export interface SeedOptions {
  /** What the seeds come from: the predicted distance (when the map has one) or the interior. */
  source?: 'distance' | 'interior'
  /** 'level': 4-connected regions at or above `level`; 'h-maxima': maxima of dynamic >= `h`. */
  mode?: 'level' | 'h-maxima'
  /** Seed level on the source (0..1). */
  level?: number
  /** Minimal dynamic of a seed's peak ('h-maxima'; the distance runs 0..1 in each object). */
  h?: number
  /** Seed regions smaller than this many pixels are ignored ('level'). */
  minSeed?: number
  /** What the seeds flood: lowest first of −distance, or of the boundary probability. */
  flood?: 'distance' | 'boundary'
}

/** Defaults: seeds where the distance is at least 0.5, flooding the inverted distance. */
export const DEFAULT_SEEDS: Required<SeedOptions> = {
  source: 'distance',
  mode: 'level',
  level: 0.5,
  h: 0.2,
  minSeed: 3,
  flood: 'distance'
}

/** Where each probability sits in the interleaved channels of a map kind. */
const LAYOUT: Record<
  InstanceMapKind,
  { channels: number; background?: number; foreground?: number } & Partial<
    Record<'interior' | 'boundary' | 'distance', number>
  >
> = {
  boundary: { channels: 3, background: 0, interior: 1, boundary: 2 },
  distance: { channels: 2, foreground: 0, distance: 1 },
  both: { channels: 4, background: 0, interior: 1, boundary: 2, distance: 3 }
}

/** Number of probability channels of each map kind. */
export function instanceMapChannels(kind: InstanceMapKind): number {
  return LAYOUT[kind].channels
}

/** One probability of an interleaved map, or null when the kind has no such channel. */
function plane(
  data: ArrayLike<number>,
  kind: InstanceMapKind,
  what: 'interior' | 'boundary' | 'distance'
): Float32Array | null {
  const { channels, [what]: at } = LAYOUT[kind]
  if (at === undefined) return null
  const out = new Float32Array(data.length / channels)
  for (let i = 0; i < out.length; i++) out[i] = data[i * channels + at]
  return out
}

/** Foreground probability of an instance map (1 − background for the 3-class kinds). */
export function instanceForeground(data: ArrayLike<number>, kind: InstanceMapKind): Float32Array {
  const { channels, background, foreground } = LAYOUT[kind]
  const out = new Float32Array(data.length / channels)
  for (let i = 0; i < out.length; i++)
    out[i] =
      foreground !== undefined
        ? data[i * channels + foreground]
        : 1 - data[i * channels + background!]
  return out
}

/**
 * Label the objects of `mask` (the thresholded foreground) using an instance map: seeds from the
 * predicted distance (or interior probability) inside the mask, a marker watershed over the mask,
 * and mask pixels no seed reaches as objects of their own.
 */
export function instancesFromMap(
  data: ArrayLike<number>,
  kind: InstanceMapKind,
  mask: ArrayLike<number>,
  width: number,
  height: number,
  options: SeedOptions = {}
): LabelImage {
  const o = { ...DEFAULT_SEEDS, ...options }
  const distance = plane(data, kind, 'distance')
  const source = (o.source === 'distance' && distance) || plane(data, kind, 'interior')!
  const inMask = new Float32Array(source.length)
  for (let i = 0; i < inMask.length; i++) inMask[i] = mask[i] ? source[i] : 0
  let seeds: LabelImage
  if (o.mode === 'h-maxima') {
    seeds = hMaximaMarkers(inMask, width, height, o.h, 8)
  } else {
    const high = new Uint8Array(inMask.length)
    for (let i = 0; i < high.length; i++) high[i] = inMask[i] >= o.level ? 1 : 0
    seeds = relabel(labelComponents(high, width, height, 4).labels, o.minSeed)
  }
  const boundary = plane(data, kind, 'boundary')
  const cost = new Float32Array(source.length)
  if (o.flood === 'boundary' && boundary) cost.set(boundary)
  else for (let i = 0; i < cost.length; i++) cost[i] = -(distance ?? source)[i]
  const labels = markerWatershed(cost, seeds.labels, mask, width, height, 8)
  labelLeftovers(labels, mask, width, height)
  return relabel(labels, 0)
}
