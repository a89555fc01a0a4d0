/** Turns preview pixels (raw 8-bit bytes, HWC) into RGBA for a canvas. */

/** Largest brightening applied to a dim preview image. */
export const MAX_GAIN = 8

/**
 * RGBA pixels of an HWC image with `channels` channels (1 = gray, 3 = RGB). Small-valued labels
 * (0..4) are scaled to 0..255; images are brightened to their maximum (gain at most
 * {@link MAX_GAIN}) so dim fluorescence stays visible without blowing up background noise.
 */
export function toRgba(
  src: Uint8Array,
  width: number,
  height: number,
  channels: number
): Uint8ClampedArray {
  const n = width * height
  const ch = src.length >= n * channels ? channels : Math.max(1, Math.floor(src.length / n))
  let max = 0
  for (let i = 0; i < src.length; i++) if (src[i] > max) max = src[i]
  const isLabel = max <= 4
  const scale = isLabel ? (max > 0 ? 255 / max : 1) : max > 0 ? Math.min(MAX_GAIN, 255 / max) : 1
  const out = new Uint8ClampedArray(n * 4)
  for (let p = 0; p < n; p++) {
    const o = p * 4
    if (ch >= 3) {
      out[o] = src[p * ch] * scale
      out[o + 1] = src[p * ch + 1] * scale
      out[o + 2] = src[p * ch + 2] * scale
    } else {
      const v = (src[p * ch] ?? 0) * scale
      out[o] = out[o + 1] = out[o + 2] = v
    }
    out[o + 3] = 255
  }
  return out
}
