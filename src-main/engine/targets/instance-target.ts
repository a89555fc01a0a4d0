/**
 * Training targets built from an instance-id map (0 background, 1..n objects) that let a model
 * separate touching objects. Pure typed-array code, no tfjs.
 */
import { TRAIN_DEFAULTS } from '../../../src-preload/options/train'
import { boundaryFromInstances } from '../../data/instances'
import { distanceTransform } from '../postprocess/distance'

/** Planes per pixel of an instance target, interleaved: class, distance, loss weight. */
export const INSTANCE_PLANES = 3

/** Class codes of plane 0: background, object interior, object boundary. */
export const INSTANCE_CLASSES = { background: 0, interior: 1, boundary: 2 } as const

/** Settings of the instance target: the distance cap and the touching-objects weight map. */
export interface WeightMapOptions {
  /** Distance normalisation cap in pixels (see {@link normalizedDistance}); 0 = none. */
  distanceCap?: number
  /** w0: extra weight where two objects are close; 0 = every pixel weighs 1. */
  w0: number
  /** sigma in pixels: how fast the extra weight decays with d1 + d2. */
  sigma: number
}

/** The training options' defaults: the U-Net paper's w0 = 10, sigma = 5 px. */
export const DEFAULT_WEIGHT_MAP: WeightMapOptions = {
  distanceCap: TRAIN_DEFAULTS.distanceCap,
  w0: TRAIN_DEFAULTS.touchWeight,
  sigma: TRAIN_DEFAULTS.touchSigma
}

/** An object's bounding box, inclusive. */
interface Box {
  x0: number
  y0: number
  x1: number
  y1: number
}

/** Bounding boxes of ids 1..max (empty ids get x1 < x0). */
function boxesOf(ids: ArrayLike<number>, width: number, height: number): Box[] {
  let max = 0
  for (let i = 0; i < ids.length; i++) if (ids[i] > max) max = ids[i]
  const boxes = Array.from({ length: max + 1 }, () => ({ x0: width, y0: height, x1: -1, y1: -1 }))
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const b = boxes[ids[y * width + x]]
      if (x < b.x0) b.x0 = x
      if (x > b.x1) b.x1 = x
      if (y < b.y0) b.y0 = y
      if (y > b.y1) b.y1 = y
    }
  return boxes
}

/** Calls `visit` with each object's box grown by `margin` (clipped) and a 0/1 mask of it there. */
function forEachObject(
  ids: ArrayLike<number>,
  width: number,
  height: number,
  margin: number,
  visit: (id: number, box: Box, inside: Uint8Array) => void
): void {
  boxesOf(ids, width, height).forEach((b, id) => {
    if (id === 0 || b.x1 < b.x0) return
    const box = {
      x0: Math.max(0, b.x0 - margin),
      y0: Math.max(0, b.y0 - margin),
      x1: Math.min(width - 1, b.x1 + margin),
      y1: Math.min(height - 1, b.y1 + margin)
    }
    const bw = box.x1 - box.x0 + 1
    const inside = new Uint8Array(bw * (box.y1 - box.y0 + 1))
    for (let y = box.y0; y <= box.y1; y++)
      for (let x = box.x0; x <= box.x1; x++)
        inside[(y - box.y0) * bw + x - box.x0] = ids[y * width + x] === id ? 1 : 0
    visit(id, box, inside)
  })
}

/**
 * Each object's distance to its own border (the nearest pixel of background or of another
 * object), divided by the object's largest distance, or by `cap` pixels when that is smaller
 * (and then at most 1): 1 at the centre of an object up to 2·cap across, a core of 1s deeper than
 * `cap` inside larger ones, falling towards the edge, 0 on the background. Touching objects meet
 * at low values. With a cap the target only needs `cap` pixels of context. The image edge is not
 * a border. `cap` 0: no cap.
 */
export function normalizedDistance(
  ids: ArrayLike<number>,
  width: number,
  height: number,
  cap = 0
): Float32Array {
  const out = new Float32Array(width * height)
  forEachObject(ids, width, height, 1, (_, box, inside) => {
    const bw = box.x1 - box.x0 + 1
    const bh = box.y1 - box.y0 + 1
    const d = distanceTransform(inside, bw, bh)
    let max = 0
    for (let i = 0; i < d.length; i++) if (inside[i] && d[i] > max) max = d[i]
    if (max === 0) return
    const scale = cap > 0 ? Math.min(max, cap) : max
    for (let y = 0; y < bh; y++)
      for (let x = 0; x < bw; x++) {
        const i = y * bw + x
        if (inside[i]) out[(y + box.y0) * width + x + box.x0] = Math.min(1, d[i] / scale)
      }
  })
  return out
}

/**
 * The U-Net paper's weight map without its class-balance term: 1 + w0·exp(−(d1 + d2)² / 2σ²),
 * with d1, d2 the distances to the nearest and second-nearest object (0 inside an object). Pixels
 * where two objects nearly touch (the seams and gaps between them) weigh up to 1 + w0; pixels far
 * from a second object weigh 1. Distances are computed within 3σ of each object.
 */
export function touchingWeights(
  ids: ArrayLike<number>,
  width: number,
  height: number,
  o: WeightMapOptions = DEFAULT_WEIGHT_MAP
): Float32Array {
  const out = new Float32Array(width * height).fill(1)
  if (o.w0 <= 0) return out
  const reach = Math.ceil(3 * o.sigma)
  const d1 = new Float32Array(width * height).fill(Infinity)
  const d2 = new Float32Array(width * height).fill(Infinity)
  forEachObject(ids, width, height, reach, (_, box, inside) => {
    const bw = box.x1 - box.x0 + 1
    const bh = box.y1 - box.y0 + 1
    const outside = inside.map((v) => (v ? 0 : 1))
    const d = distanceTransform(outside, bw, bh)
    for (let y = 0; y < bh; y++)
      for (let x = 0; x < bw; x++) {
        const v = d[y * bw + x]
        if (v > reach) continue
        const p = (y + box.y0) * width + x + box.x0
        if (v < d1[p]) {
          d2[p] = d1[p]
          d1[p] = v
        } else if (v < d2[p]) d2[p] = v
      }
  })
  const s2 = 2 * o.sigma * o.sigma
  for (let p = 0; p < out.length; p++) {
    if (d2[p] === Infinity) continue
    const s = d1[p] + d2[p]
    out[p] = 1 + o.w0 * Math.exp(-(s * s) / s2)
  }
  return out
}

/**
 * The full instance target of an id map, interleaved per pixel: boundary class (0/1/2),
 * normalised distance (0..1) and touching-objects loss weight (>= 1).
 */
export function buildInstanceTarget(
  ids: Uint16Array,
  width: number,
  height: number,
  weights: WeightMapOptions = DEFAULT_WEIGHT_MAP
): Float32Array {
  const cls = boundaryFromInstances(ids, width, height, 4)
  const dist = normalizedDistance(ids, width, height, weights.distanceCap ?? 0)
  const w = touchingWeights(ids, width, height, weights)
  const out = new Float32Array(width * height * INSTANCE_PLANES)
  for (let i = 0; i < cls.length; i++) {
    out[i * INSTANCE_PLANES] = cls[i]
    out[i * INSTANCE_PLANES + 1] = dist[i]
    out[i * INSTANCE_PLANES + 2] = w[i]
  }
  return out
}
