/** Instance-id operations: pick, next free id, merge, delete, count. */
import type { PixelWriter } from './edit-recorder'
import type { LabelBuffer, Rect } from './label-types'

/** The label value at (x, y), or 0 off-image. */
export function valueAt(label: LabelBuffer, x: number, y: number): number {
  x = Math.floor(x)
  y = Math.floor(y)
  if (x < 0 || y < 0 || x >= label.width || y >= label.height) return 0
  return label.data[y * label.width + x]
}

/** One more than the largest id in use (1 for an empty label), capped to the data type. */
export function nextFreeId(label: LabelBuffer): number {
  let max = 0
  const data = label.data
  for (let i = 0; i < data.length; i++) if (data[i] > max) max = data[i]
  const cap = data instanceof Uint16Array ? 65535 : 255
  if (max < cap) return max + 1
  const used = new Uint8Array(cap + 1)
  for (let i = 0; i < data.length; i++) used[data[i]] = 1
  for (let id = 1; id <= cap; id++) if (!used[id]) return id
  return cap
}

/** Sets every pixel equal to `from` to `to`; returns the touched bounding box or `null`. */
export function replaceValue(writer: PixelWriter, from: number, to: number): Rect | null {
  if (from === to) return null
  const { data, width } = writer.label
  let x0 = Infinity
  let y0 = Infinity
  let x1 = -Infinity
  let y1 = -Infinity
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== from) continue
    writer.set(i, to)
    const x = i % width
    const y = (i - x) / width
    if (x < x0) x0 = x
    if (x > x1) x1 = x
    if (y < y0) y0 = y
    if (y > y1) y1 = y
  }
  return x1 < x0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 }
}

/** Merges instance `from` into instance `into` (its pixels take the id `into`). */
export function mergeInstance(writer: PixelWriter, from: number, into: number): Rect | null {
  if (from === 0 || into === 0) return null
  return replaceValue(writer, from, into)
}

/** Deletes instance `id` (its pixels become background). */
export function deleteInstance(writer: PixelWriter, id: number): Rect | null {
  if (id === 0) return null
  return replaceValue(writer, id, 0)
}

/** Number of distinct non-zero values in the label. */
export function countInstances(label: LabelBuffer): number {
  const seen = new Uint8Array(label.data instanceof Uint16Array ? 65536 : 256)
  let n = 0
  for (let i = 0; i < label.data.length; i++) {
    const v = label.data[i]
    if (v && !seen[v]) {
      seen[v] = 1
      n++
    }
  }
  return n
}
