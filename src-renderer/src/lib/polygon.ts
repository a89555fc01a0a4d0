/** Polygon and lasso fill: scanline, even-odd rule, sampled at pixel centres. */
import type { PixelWriter } from './edit-recorder'
import type { Rect } from './label-types'

/**
 * Fills the polygon given as flat `[x0, y0, x1, y1, ...]` image coordinates with `value`.
 * Returns the bounding box of filled pixels, or `null` when nothing was filled.
 */
export function fillPolygon(
  writer: PixelWriter,
  points: readonly number[],
  value: number
): Rect | null {
  const n = Math.floor(points.length / 2)
  if (n < 3) return null
  const { width, height } = writer.label
  let minY = Infinity
  let maxY = -Infinity
  for (let k = 0; k < n; k++) {
    minY = Math.min(minY, points[2 * k + 1])
    maxY = Math.max(maxY, points[2 * k + 1])
  }
  const yStart = Math.max(0, Math.ceil(minY - 0.5))
  const yEnd = Math.min(height - 1, Math.floor(maxY - 0.5))
  let rect: { x0: number; y0: number; x1: number; y1: number } | null = null
  const xs: number[] = []
  for (let y = yStart; y <= yEnd; y++) {
    const py = y + 0.5
    xs.length = 0
    for (let k = 0, j = n - 1; k < n; j = k++) {
      const ax = points[2 * j]
      const ay = points[2 * j + 1]
      const bx = points[2 * k]
      const by = points[2 * k + 1]
      if (ay <= py !== by <= py) xs.push(ax + ((py - ay) / (by - ay)) * (bx - ax))
    }
    xs.sort((a, b) => a - b)
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const from = Math.max(0, Math.ceil(xs[k] - 0.5))
      const to = Math.min(width - 1, Math.floor(xs[k + 1] - 0.5))
      if (to < from) continue
      for (let x = from; x <= to; x++) writer.set(y * width + x, value)
      rect ??= { x0: from, y0: y, x1: to, y1: y }
      rect.x0 = Math.min(rect.x0, from)
      rect.x1 = Math.max(rect.x1, to)
      rect.y1 = y
    }
  }
  return rect
    ? { x: rect.x0, y: rect.y0, width: rect.x1 - rect.x0 + 1, height: rect.y1 - rect.y0 + 1 }
    : null
}
