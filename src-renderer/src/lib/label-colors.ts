/** Colours for label overlays: a class palette and stable per-instance colours. */
import type { LabelBuffer, Rect } from './label-types'

/** An RGB colour, 0..255 per channel. */
export type Rgb = readonly [number, number, number]

/** Default class palette; index 0 is background and never drawn. */
export const DEFAULT_CLASS_COLORS: readonly Rgb[] = [
  [0, 0, 0],
  [255, 64, 129],
  [0, 200, 255],
  [255, 196, 0],
  [118, 255, 3],
  [170, 102, 255],
  [255, 112, 67],
  [29, 233, 182],
  [255, 235, 59],
  [64, 120, 255],
  [240, 98, 146],
  [174, 234, 0],
  [0, 229, 255]
]

/** Colour of foreground in a binary label. */
export const DEFAULT_BINARY_COLOR: Rgb = [255, 64, 129]

/** Alpha of instance interiors; instance edges are drawn opaque so touching cells separate. */
export const INSTANCE_FILL_ALPHA = 150

/** Edge colour of the highlighted (active) instance. */
export const HIGHLIGHT_EDGE: Rgb = [255, 255, 255]

/** How {@link renderOverlayRect} draws. */
export interface OverlayOptions {
  /** Instance drawn with a white edge (the active one); 0 for none. */
  highlight?: number
  /** Edges only, no fill. */
  outline?: boolean
}

/** A stable, well-spread colour for instance `id` (golden-ratio hue walk, bright and saturated). */
export function instanceColor(id: number): Rgb {
  const h = (id * 0.618033988749895) % 1
  const s = 0.75
  const v = 1
  const i = Math.floor(h * 6)
  const f = h * 6 - i
  const p = v * (1 - s)
  const q = v * (1 - f * s)
  const t = v * (1 - (1 - f) * s)
  const [r, g, b] = [
    [v, t, p],
    [q, v, p],
    [p, v, t],
    [p, q, v],
    [t, p, v],
    [v, p, q]
  ][i % 6]
  return [Math.round(r * 255), Math.round(g * 255), Math.round(b * 255)]
}

/** Colour of label value `v` for the label's kind. */
export function colorFor(kind: LabelBuffer['kind'], v: number, palette: readonly Rgb[]): Rgb {
  if (kind === 'binary') return palette[1] ?? DEFAULT_BINARY_COLOR
  if (kind === 'classes') return palette[v % palette.length] ?? DEFAULT_BINARY_COLOR
  return instanceColor(v)
}

/**
 * Renders the overlay RGBA for `rect` of the label into `out` (rect.width × rect.height × 4):
 * background transparent, classes and binary opaque, instances translucent with opaque edges
 * (white edges for the `highlight` instance); `outline` draws only the edges of every region.
 */
export function renderOverlayRect(
  label: LabelBuffer,
  rect: Rect,
  palette: readonly Rgb[],
  out: Uint8ClampedArray,
  opts: OverlayOptions = {}
): void {
  const { data, width, height, kind } = label
  const highlight = opts.highlight ?? 0
  const outline = opts.outline ?? false
  const interior = outline ? 0 : kind === 'instances' ? INSTANCE_FILL_ALPHA : 255
  const cache = new Map<number, Rgb>()
  let lastV = -1
  let lastC: Rgb = DEFAULT_BINARY_COLOR
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let x = rect.x; x < rect.x + rect.width; x++) {
      const i = y * width + x
      const o = ((y - rect.y) * rect.width + (x - rect.x)) * 4
      const v = data[i]
      if (v === 0) {
        out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0
        continue
      }
      if (v !== lastV) {
        lastC = cache.get(v) ?? colorFor(kind, v, palette)
        cache.set(v, lastC)
        lastV = v
      }
      let c = lastC
      let alpha = 255
      if (kind === 'instances' || outline) {
        const edge =
          (x > 0 && data[i - 1] !== v) ||
          (x < width - 1 && data[i + 1] !== v) ||
          (y > 0 && data[i - width] !== v) ||
          (y < height - 1 && data[i + width] !== v)
        alpha = edge ? 255 : interior
        if (edge && v === highlight && kind === 'instances') c = HIGHLIGHT_EDGE
      }
      out[o] = c[0]
      out[o + 1] = c[1]
      out[o + 2] = c[2]
      out[o + 3] = alpha
    }
  }
}
