/** Pure zoom/pan maths for the canvas view: scale around a point, fit to a box. */

/** View transform: screen = image × scale + offset. */
export interface ViewTransform {
  scale: number
  x: number
  y: number
}

/** Zoom limits. */
export const MIN_SCALE = 0.05
export const MAX_SCALE = 64

/** Scales by `factor` keeping the image point under `pointer` (screen coordinates) fixed. */
export function zoomAt(
  view: ViewTransform,
  pointer: { x: number; y: number },
  factor: number
): ViewTransform {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, view.scale * factor))
  const ix = (pointer.x - view.x) / view.scale
  const iy = (pointer.y - view.y) / view.scale
  return { scale, x: pointer.x - ix * scale, y: pointer.y - iy * scale }
}

/** Fits an image into a box with a margin, centred. */
export function fitView(
  imageWidth: number,
  imageHeight: number,
  boxWidth: number,
  boxHeight: number,
  margin = 16
): ViewTransform {
  const scale = Math.max(
    MIN_SCALE,
    Math.min((boxWidth - 2 * margin) / imageWidth, (boxHeight - 2 * margin) / imageHeight)
  )
  return {
    scale,
    x: Math.round((boxWidth - imageWidth * scale) / 2),
    y: Math.round((boxHeight - imageHeight * scale) / 2)
  }
}

/** Converts a screen point to image coordinates. */
export function toImage(
  view: ViewTransform,
  p: { x: number; y: number }
): { x: number; y: number } {
  return { x: (p.x - view.x) / view.scale, y: (p.y - view.y) / view.scale }
}
