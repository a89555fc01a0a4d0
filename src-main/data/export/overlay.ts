import type { AnyImage, RawImage } from '../image-io'

/** A distinct RGB colour for object `id` (golden-angle hues, full saturation). */
export function objectColour(id: number): [number, number, number] {
  const hue = (id * 137.508) % 360
  const f = (n: number): number => {
    const k = (n + hue / 60) % 6
    return Math.round(255 * (1 - Math.max(0, Math.min(k, 4 - k, 1))))
  }
  return [f(5), f(3), f(1)]
}

/** 8-bit RGB view of an image: colour kept, gray replicated, 16-bit and float stretched min..max. */
export function toDisplayRgb(image: AnyImage): Uint8Array {
  const { width, height, channels, data } = image
  let lo = 0
  let hi = 255
  if (image.bitDepth !== 8) {
    lo = Infinity
    hi = -Infinity
    for (const v of data) {
      if (v < lo) lo = v
      if (v > hi) hi = v
    }
  }
  const scale = hi > lo ? 255 / (hi - lo) : 0
  const out = new Uint8Array(width * height * 3)
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) {
      const v = data[p * channels + Math.min(c, channels >= 3 ? 2 : 0)]
      out[p * 3 + c] = Math.round((v - lo) * scale)
    }
  }
  return out
}

/** The image in 8-bit RGB with each object's outline (4-neighbour edge pixels) in its colour. */
export function drawOutlines(image: AnyImage, labels: ArrayLike<number>): RawImage {
  const { width, height } = image
  const rgb = toDisplayRgb(image)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x
      const l = labels[p]
      if (!l) continue
      const edge =
        x === 0 ||
        y === 0 ||
        x === width - 1 ||
        y === height - 1 ||
        labels[p - 1] !== l ||
        labels[p + 1] !== l ||
        labels[p - width] !== l ||
        labels[p + width] !== l
      if (!edge) continue
      const [r, g, b] = objectColour(l)
      rgb[p * 3] = r
      rgb[p * 3 + 1] = g
      rgb[p * 3 + 2] = b
    }
  }
  return { data: rgb, width, height, channels: 3, bitDepth: 8 }
}

/** How much of a class's colour a class overlay mixes into each pixel. */
export const CLASS_OVERLAY_ALPHA = 0.45

/**
 * The image in 8-bit RGB with every pixel tinted by its class's colour (`colours[k]` for class
 * k), as the editor shows a class label.
 */
export function drawClasses(
  image: AnyImage,
  classes: ArrayLike<number>,
  colours: (k: number) => readonly [number, number, number]
): RawImage {
  const { width, height } = image
  const rgb = toDisplayRgb(image)
  for (let p = 0; p < width * height; p++) {
    const colour = colours(classes[p])
    for (let c = 0; c < 3; c++)
      rgb[p * 3 + c] = Math.round(
        rgb[p * 3 + c] * (1 - CLASS_OVERLAY_ALPHA) + colour[c] * CLASS_OVERLAY_ALPHA
      )
  }
  return { data: rgb, width, height, channels: 3, bitDepth: 8 }
}
