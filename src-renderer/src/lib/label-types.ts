/** Shared shapes for label editing: the label buffer, its kind and dirty rectangles. */
import type { LabelKind } from '../../../src-preload/contract'

/** Label pixels: 8-bit for binary and classes, 16-bit for instance ids. */
export type LabelData = Uint8Array | Uint16Array

/** A single-channel label image, row-major. */
export interface LabelBuffer {
  data: LabelData
  width: number
  height: number
  kind: LabelKind
}

/** An axis-aligned pixel rectangle (integer, half-open: x .. x + width). */
export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

/** Creates an empty label of the given kind (16-bit for instances). */
export function createLabel(width: number, height: number, kind: LabelKind): LabelBuffer {
  const data =
    kind === 'instances' ? new Uint16Array(width * height) : new Uint8Array(width * height)
  return { data, width, height, kind }
}

/** Smallest rectangle holding both; `null` is the empty rectangle. */
export function unionRect(a: Rect | null, b: Rect | null): Rect | null {
  if (!a) return b
  if (!b) return a
  const x = Math.min(a.x, b.x)
  const y = Math.min(a.y, b.y)
  return {
    x,
    y,
    width: Math.max(a.x + a.width, b.x + b.width) - x,
    height: Math.max(a.y + a.height, b.y + b.height) - y
  }
}

/** Clips a rectangle to `0..width × 0..height`; `null` when nothing is left. */
export function clipRect(r: Rect, width: number, height: number): Rect | null {
  const x0 = Math.max(0, Math.floor(r.x))
  const y0 = Math.max(0, Math.floor(r.y))
  const x1 = Math.min(width, Math.ceil(r.x + r.width))
  const y1 = Math.min(height, Math.ceil(r.y + r.height))
  if (x1 <= x0 || y1 <= y0) return null
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
}

/** Grows a rectangle by `by` pixels on every side, clipped to the image. */
export function growRect(r: Rect, by: number, width: number, height: number): Rect | null {
  return clipRect(
    { x: r.x - by, y: r.y - by, width: r.width + 2 * by, height: r.height + 2 * by },
    width,
    height
  )
}

/** Largest value a label of this kind can hold. */
export function maxLabelValue(label: LabelBuffer): number {
  return label.data instanceof Uint16Array ? 65535 : 255
}
