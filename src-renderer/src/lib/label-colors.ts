/** Colours for label overlays: the project's class colours and stable per-instance colours. */
import { DEFAULT_CLASS_COLORS as PROJECT_COLORS } from '../../../src-preload/project'
import type { LabelBuffer, Rect } from './label-types'

/** An RGB colour, 0..255 per channel. */
export type Rgb = readonly [number, number, number]

/** Colours by label value and which values stay transparent (background, ignored classes). */
export interface LabelPalette {
  /** Colour of class value v at index v (binary: the foreground at index 1). */
  colors: readonly Rgb[]
  /** Values drawn transparent; for binary and instances only 0 is. */
  hidden: ReadonlySet<number>
}

/** Default class colours by index, as seeded into new projects. */
export const DEFAULT_CLASS_COLORS: readonly Rgb[] = PROJECT_COLORS

/** Colour of foreground in a binary label. */
export const DEFAULT_BINARY_COLOR: Rgb = [255, 64, 129]

/** The palette of a project's classes: their colours, background and ignored classes hidden. */
export function paletteFromClasses(
  classes: readonly { index: number; color: Rgb; background: boolean; ignore: boolean }[]
): LabelPalette {
  const colors: Rgb[] = [...DEFAULT_CLASS_COLORS]
  const hidden = new Set<number>()
  for (const c of classes) {
    colors[c.index] = c.color
    if (c.background || c.ignore) hidden.add(c.index)
  }
  return { colors, hidden }
}

/** Palette with the default colours and value 0 as background. */
export const DEFAULT_PALETTE: LabelPalette = { colors: DEFAULT_CLASS_COLORS, hidden: new Set([0]) }

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
export function colorFor(kind: LabelBuffer['kind'], v: number, palette: LabelPalette): Rgb {
  const { colors } = palette
  if (kind === 'binary') return colors[1] ?? DEFAULT_BINARY_COLOR
  if (kind === 'classes') return colors[v] ?? colors[1 + (v % (colors.length - 1))]
  return instanceColor(v)
}

/** Whether value `v` is drawn transparent: 0 for binary and instances, hidden classes otherwise. */
export function isHidden(kind: LabelBuffer['kind'], v: number, palette: LabelPalette): boolean {
  return kind === 'classes' ? palette.hidden.has(v) : v === 0
}

/**
 * Renders the overlay RGBA for `rect` of the label into `out` (rect.width × rect.height × 4):
 * background (and hidden classes) transparent, classes and binary opaque, instances translucent
 * with opaque edges (white edges for the `highlight` instance); `outline` draws only the edges.
 */
export function renderOverlayRect(
  label: LabelBuffer,
  rect: Rect,
  palette: LabelPalette,
  out: Uint8ClampedArray,
  opts: OverlayOptions = {}
): void {
  const { data, width, height, kind } = label
  const highlight = opts.highlight ?? 0
  const outline = opts.outline ?? false
  const interior = outline ? 0 : kind === 'instances' ? INSTANCE_FILL_ALPHA : 255
  const cache = new Map<number, Rgb | null>()
  let lastV = -1
  let lastC: Rgb | null = null
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let x = rect.x; x < rect.x + rect.width; x++) {
      const i = y * width + x
      const o = ((y - rect.y) * rect.width + (x - rect.x)) * 4
      const v = data[i]
      if (v !== lastV) {
        let c = cache.get(v)
        if (c === undefined) {
          c = isHidden(kind, v, palette) ? null : colorFor(kind, v, palette)
          cache.set(v, c)
        }
        lastC = c
        lastV = v
      }
      if (!lastC) {
        out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0
        continue
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
