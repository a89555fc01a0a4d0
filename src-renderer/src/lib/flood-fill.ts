/** Flood fill of a label region (4-connected pixels sharing the seed's value). */
import type { PixelWriter } from './edit-recorder'
import type { Rect } from './label-types'

/**
 * Replaces the 4-connected region of equal value around (x, y) with `value` (scanline fill).
 * Returns the filled bounding box, or `null` when the seed is off-image or already `value`.
 */
export function floodFill(writer: PixelWriter, x: number, y: number, value: number): Rect | null {
  const { data, width, height } = writer.label
  x = Math.floor(x)
  y = Math.floor(y)
  if (x < 0 || y < 0 || x >= width || y >= height) return null
  const target = data[y * width + x]
  if (target === value) return null
  let x0 = x
  let x1 = x
  let y0 = y
  let y1 = y
  const stack: number[] = [x, y]
  while (stack.length) {
    const sy = stack.pop()!
    const sx = stack.pop()!
    const row = sy * width
    if (data[row + sx] !== target) continue
    let l = sx
    while (l > 0 && data[row + l - 1] === target) l--
    let r = sx
    while (r < width - 1 && data[row + r + 1] === target) r++
    for (let i = l; i <= r; i++) writer.set(row + i, value)
    if (l < x0) x0 = l
    if (r > x1) x1 = r
    if (sy < y0) y0 = sy
    if (sy > y1) y1 = sy
    for (const ny of [sy - 1, sy + 1]) {
      if (ny < 0 || ny >= height) continue
      const nrow = ny * width
      let inRun = false
      for (let i = l; i <= r; i++) {
        const match = data[nrow + i] === target
        if (match && !inRun) stack.push(i, ny)
        inRun = match
      }
    }
  }
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 }
}
