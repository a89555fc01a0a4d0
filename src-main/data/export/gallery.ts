import type { AnyImage, RawImage } from '../image-io'
import { drawOutlines, objectColour, toDisplayRgb } from './overlay'

/** What one gallery row shows for an image. */
export interface GalleryItem {
  image: AnyImage
  /** Predicted instance ids (0 = background), or a 0/1 or class mask. */
  prediction: ArrayLike<number>
  /** Ground-truth instance ids, or a 0/1 or class mask. */
  label: ArrayLike<number>
  /** Draw the predicted objects' outlines over the image as a fourth panel. */
  outlines?: boolean
}

/** Gap between panels, in pixels (dark grey). */
export const GALLERY_GAP = 4

/** Labels as colours: a 0/1 mask white, ids each in their own colour (golden-angle hues), 0 black. */
export function colourLabels(labels: ArrayLike<number>, width: number, height: number): Uint8Array {
  let max = 0
  for (let p = 0; p < width * height; p++) if (labels[p] > max) max = labels[p]
  const out = new Uint8Array(width * height * 3)
  for (let p = 0; p < width * height; p++) {
    const l = labels[p]
    if (!l) continue
    const [r, g, b] = max === 1 ? [255, 255, 255] : objectColour(l)
    out[p * 3] = r
    out[p * 3 + 1] = g
    out[p * 3 + 2] = b
  }
  return out
}

/**
 * One row, as an 8-bit RGB image: original | prediction | label (| prediction outlined on the
 * original), panels separated by a {@link GALLERY_GAP}-pixel gap. Masks with one id show white;
 * instance maps show each object in its own colour.
 */
export function galleryRow(item: GalleryItem): RawImage {
  const { width: w, height: h } = item.image
  const panels = [
    toDisplayRgb(item.image),
    colourLabels(item.prediction, w, h),
    colourLabels(item.label, w, h),
    ...(item.outlines === false ? [] : [drawOutlines(item.image, item.prediction).data])
  ]
  const W = panels.length * w + (panels.length - 1) * GALLERY_GAP
  const out = new Uint8Array(W * h * 3).fill(48)
  panels.forEach((panel, k) => {
    const x0 = k * (w + GALLERY_GAP)
    for (let y = 0; y < h; y++)
      out.set(panel.subarray(y * w * 3, (y + 1) * w * 3), (y * W + x0) * 3)
  })
  return { data: out, width: W, height: h, channels: 3, bitDepth: 8 }
}
