/**
 * The panels of the side-by-side view (original | prediction | label | outlines) as RGBA pixels:
 * the windowed image, each label drawn over a dimmed copy of it in the editor's colours, and the
 * prediction's outlines over the image itself (as `eval --gallery` draws its fourth panel).
 */
import {
  DEFAULT_PALETTE,
  renderOverlayRect,
  type LabelPalette,
  type OverlayOptions
} from './label-colors'
import type { LabelBuffer } from './label-types'
import { applyWindow, percentileWindow, type ImagePixels } from './windowing'

/** How much of the image shows under a label panel (the rest is dimmed). */
export const LABEL_PANEL_IMAGE_WEIGHT = 0.45

/** The image windowed to its 0.5–99.5 percentiles, as RGBA. */
export function imagePanel(img: ImagePixels): Uint8ClampedArray {
  const out = new Uint8ClampedArray(img.width * img.height * 4)
  applyWindow(img, percentileWindow(img), out)
  return out
}

/** `label` over a dimmed copy of the image panel `base` (same size), as RGBA, in `palette`. */
export function labelPanel(
  base: Uint8ClampedArray,
  label: LabelBuffer,
  palette: LabelPalette = DEFAULT_PALETTE
): Uint8ClampedArray {
  return composite(base, label, palette, LABEL_PANEL_IMAGE_WEIGHT, {})
}

/** The edges of each object (instance, class region or mask) of `label` over the image panel `base`. */
export function outlinePanel(
  base: Uint8ClampedArray,
  label: LabelBuffer,
  palette: LabelPalette = DEFAULT_PALETTE
): Uint8ClampedArray {
  return composite(base, label, palette, 1, { outline: true })
}

/** The overlay of `label` drawn over `base` scaled by `k`. */
function composite(
  base: Uint8ClampedArray,
  label: LabelBuffer,
  palette: LabelPalette,
  k: number,
  opts: OverlayOptions
): Uint8ClampedArray {
  const { width, height } = label
  const overlay = new Uint8ClampedArray(width * height * 4)
  renderOverlayRect(label, { x: 0, y: 0, width, height }, palette, overlay, opts)
  const out = new Uint8ClampedArray(base.length)
  for (let i = 0; i < out.length; i += 4) {
    const a = overlay[i + 3] / 255
    for (let c = 0; c < 3; c++) out[i + c] = base[i + c] * k * (1 - a) + overlay[i + c] * a
    out[i + 3] = 255
  }
  return out
}
