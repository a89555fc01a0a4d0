import { POSTPROCESS_FALLBACK } from '../../../src-preload/options/predict'
import {
  type Connectivity,
  labelComponents,
  labelLeftovers,
  type LabelImage,
  relabel
} from './components'
import { distanceTransform } from './distance'
import { hMaximaMarkers, peakMarkers } from './markers'
import { markerWatershed } from './watershed'

/** How to place one seed per object when splitting touching objects. */
export interface SplitOptions {
  /**
   * 'h-maxima' (dynamic of the distance map ≥ h), 'peaks' (local maxima ≥ minDistance apart), or
   * 'probability' (connected regions where the foreground probability is ≥ seedThreshold).
   */
  markers?: 'h-maxima' | 'peaks' | 'probability'
  /** Minimal dynamic of a distance peak, in pixels ('h-maxima'). */
  h?: number
  /** Minimal distance between peaks, in pixels ('peaks'). */
  minDistance?: number
  /**
   * With a probability map: multiply the distance map by the probability before finding peaks and
   * flooding, so the low-probability seams between touching objects become valleys. Default true.
   */
  weightByProbability?: boolean
  /** Seed level on the probability map ('probability'). */
  seedThreshold?: number
  /** Seeds smaller than this many pixels are ignored ('probability'). */
  minSeed?: number
  /** Objects smaller than this (after splitting) are dropped. */
  minSize?: number
  connectivity?: Connectivity
}

/** Default split: h-maxima (2 px dynamic) of the distance map weighted by the probability. */
export const DEFAULT_SPLIT: Required<SplitOptions> = {
  markers: 'h-maxima',
  h: POSTPROCESS_FALLBACK.h,
  minDistance: 5,
  weightByProbability: true,
  seedThreshold: 0.8,
  minSeed: 4,
  minSize: 0,
  connectivity: 8
}

/**
 * Split touching objects of a binary mask: exact Euclidean distance transform, one marker per
 * distance peak (or per high-probability core), then a marker-controlled watershed on the
 * inverted distance. Mask pixels no marker reaches become objects of their own.
 */
export function splitTouching(
  mask: ArrayLike<number>,
  width: number,
  height: number,
  options: SplitOptions = {},
  probability?: ArrayLike<number>
): LabelImage {
  const o = { ...DEFAULT_SPLIT, ...options }
  const dist = distanceTransform(mask, width, height)
  if (probability && o.weightByProbability) {
    for (let i = 0; i < dist.length; i++) dist[i] *= probability[i]
  }
  let seeds: LabelImage
  if (o.markers === 'probability') {
    if (!probability) throw new Error("markers 'probability' need the probability map")
    const high = new Uint8Array(width * height)
    for (let i = 0; i < high.length; i++)
      high[i] = mask[i] && probability[i] >= o.seedThreshold ? 1 : 0
    seeds = relabel(labelComponents(high, width, height, o.connectivity).labels, o.minSeed)
  } else if (o.markers === 'peaks') {
    seeds = peakMarkers(dist, width, height, o.minDistance, 0, o.connectivity)
  } else {
    seeds = hMaximaMarkers(dist, width, height, o.h, o.connectivity)
  }
  const cost = new Float32Array(dist.length)
  for (let i = 0; i < cost.length; i++) cost[i] = -dist[i]
  const labels = markerWatershed(cost, seeds.labels, mask, width, height, o.connectivity)
  labelLeftovers(labels, mask, width, height)
  return relabel(labels, o.minSize)
}
