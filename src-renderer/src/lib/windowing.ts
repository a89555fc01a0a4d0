/** Display windowing: map 8- or 16-bit intensities in `[min, max]` onto 0..255 for the screen. */

/** Default auto-window percentiles (low, high). */
export const DEFAULT_WINDOW_PERCENTILES: readonly [number, number] = [0.5, 99.5]

/** A display window in raw intensity units. */
export interface DisplayWindow {
  min: number
  max: number
}

/** Raw image pixels as sent by 'image:read' and decoded in the renderer. */
export interface ImagePixels {
  data: Uint8Array | Uint8ClampedArray | Uint16Array
  width: number
  height: number
  /** 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
  channels: number
  bitDepth: 8 | 16
}

/** Full range of the image's bit depth. */
export function fullWindow(bitDepth: 8 | 16): DisplayWindow {
  return { min: 0, max: bitDepth === 16 ? 65535 : 255 }
}

/**
 * Window from intensity percentiles over the colour channels (alpha ignored), by histogram.
 * A flat image gets a 1-wide window so nothing divides by zero.
 */
export function percentileWindow(
  img: ImagePixels,
  low = DEFAULT_WINDOW_PERCENTILES[0],
  high = DEFAULT_WINDOW_PERCENTILES[1]
): DisplayWindow {
  const bins = img.bitDepth === 16 ? 65536 : 256
  const hist = new Uint32Array(bins)
  const colour = img.channels === 2 || img.channels === 4 ? img.channels - 1 : img.channels
  const { data, channels } = img
  let total = 0
  for (let i = 0; i < data.length; i += channels) {
    for (let c = 0; c < colour; c++) hist[data[i + c]]++
    total += colour
  }
  const lowCount = (low / 100) * total
  const highCount = (high / 100) * total
  let min = 0
  let max = bins - 1
  let acc = 0
  let foundMin = false
  for (let v = 0; v < bins; v++) {
    acc += hist[v]
    if (!foundMin && acc > lowCount) {
      min = v
      foundMin = true
    }
    if (acc >= highCount) {
      max = v
      break
    }
  }
  if (max <= min) max = Math.min(bins - 1, min + 1)
  if (max <= min) min = max - 1
  return { min, max }
}

/**
 * Renders the image through the window into RGBA bytes (grey is replicated, alpha dropped).
 * `out` must hold width × height × 4 bytes.
 */
export function applyWindow(img: ImagePixels, win: DisplayWindow, out: Uint8ClampedArray): void {
  const { data, channels, width, height } = img
  const bins = img.bitDepth === 16 ? 65536 : 256
  const lut = new Uint8ClampedArray(bins)
  const span = Math.max(1e-9, win.max - win.min)
  for (let v = 0; v < bins; v++) lut[v] = Math.round(((v - win.min) / span) * 255)
  const n = width * height
  const rgb = channels >= 3
  for (let p = 0, i = 0, o = 0; p < n; p++, i += channels, o += 4) {
    const r = lut[data[i]]
    out[o] = r
    out[o + 1] = rgb ? lut[data[i + 1]] : r
    out[o + 2] = rgb ? lut[data[i + 2]] : r
    out[o + 3] = 255
  }
}
