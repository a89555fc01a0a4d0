import type { AnyImage } from '../image-io'
import { ShapeAccumulator, type ShapeMeasurement } from './shape'

/** One object's measurements, in pixels of the original image. */
export interface ObjectMeasurement extends ShapeMeasurement {
  id: number
  area: number
  centroidX: number
  centroidY: number
  /** Bounding box, inclusive corners. */
  x0: number
  y0: number
  x1: number
  y1: number
  /** Mean raw intensity over the object (mean over colour channels), in the image's units. */
  meanIntensity: number
}

/** Measure every object 1..count of a label image against the image it was predicted from. */
export function measureObjects(
  labels: ArrayLike<number>,
  count: number,
  image: AnyImage
): ObjectMeasurement[] {
  const { width, height, channels } = image
  const colour = Math.min(3, channels)
  const area = new Float64Array(count + 1)
  const si = new Float64Array(count + 1)
  const x0 = new Int32Array(count + 1).fill(width)
  const y0 = new Int32Array(count + 1).fill(height)
  const x1 = new Int32Array(count + 1).fill(-1)
  const y1 = new Int32Array(count + 1).fill(-1)
  const shapes: (ShapeAccumulator | undefined)[] = new Array(count + 1)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x
      const l = labels[p]
      if (!l) continue
      area[l]++
      ;(shapes[l] ??= new ShapeAccumulator()).add(x, y)
      let v = 0
      for (let c = 0; c < colour; c++) v += image.data[p * channels + c]
      si[l] += v / colour
      if (x < x0[l]) x0[l] = x
      if (y < y0[l]) y0[l] = y
      if (x > x1[l]) x1[l] = x
      if (y > y1[l]) y1[l] = y
    }
  }
  const rows: ObjectMeasurement[] = []
  for (let l = 1; l <= count; l++) {
    const acc = shapes[l]
    if (!acc) continue
    const inside = (x: number, y: number) =>
      x >= 0 && y >= 0 && x < width && y < height && labels[y * width + x] === l
    const { centroidX, centroidY } = acc
    rows.push({
      id: l,
      area: area[l],
      centroidX,
      centroidY,
      x0: x0[l],
      y0: y0[l],
      x1: x1[l],
      y1: y1[l],
      meanIntensity: si[l] / area[l],
      ...acc.shape(inside)
    })
  }
  return rows
}
