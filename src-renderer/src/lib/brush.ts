/** Round brush strokes: every pixel whose centre lies within `size / 2` of the segment. */
import type { PixelWriter } from './edit-recorder'
import { clipRect, type Rect } from './label-types'

/**
 * Paints a capsule from (x0, y0) to (x1, y1) (image coordinates, pixel centres at +0.5) with a
 * round brush of diameter `size`. Returns the rectangle examined, or `null` when off-image.
 */
export function paintSegment(
  writer: PixelWriter,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  size: number,
  value: number
): Rect | null {
  const { width, height } = writer.label
  const r = Math.max(0.5, size / 2)
  const box = clipRect(
    {
      x: Math.floor(Math.min(x0, x1) - r),
      y: Math.floor(Math.min(y0, y1) - r),
      width: Math.ceil(Math.abs(x1 - x0) + 2 * r) + 2,
      height: Math.ceil(Math.abs(y1 - y0) + 2 * r) + 2
    },
    width,
    height
  )
  if (!box) return null
  const dx = x1 - x0
  const dy = y1 - y0
  const len2 = dx * dx + dy * dy
  const r2 = r * r
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (let y = box.y; y < box.y + box.height; y++) {
    const py = y + 0.5
    for (let x = box.x; x < box.x + box.width; x++) {
      const px = x + 0.5
      let t = len2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0
      t = t < 0 ? 0 : t > 1 ? 1 : t
      const ex = px - (x0 + t * dx)
      const ey = py - (y0 + t * dy)
      if (ex * ex + ey * ey <= r2) {
        writer.set(y * width + x, value)
        if (x < minX) minX = x
        if (x > maxX) maxX = x
        if (y < minY) minY = y
        if (y > maxY) maxY = y
      }
    }
  }
  if (maxX < minX) return null
  return { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 }
}

/** Paints a round dab of diameter `size` centred on (x, y). */
export function paintDab(
  writer: PixelWriter,
  x: number,
  y: number,
  size: number,
  value: number
): Rect | null {
  return paintSegment(writer, x, y, x, y, size, value)
}
