/** Turns preview pixels (base64, arrays, or index-keyed objects from JSON) into RGBA ImageData. */

/** Largest brightening applied to a dim preview image. */
export const MAX_GAIN = 8

/** Decodes whatever form preview pixels arrived in to bytes. */
export function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value
  if (typeof value === 'string') {
    const bin = atob(value)
    const out = new Uint8Array(bin.length)
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
    return out
  }
  if (Array.isArray(value)) return Uint8Array.from(value as number[])
  if (value && typeof value === 'object') {
    const obj = value as Record<string, number> & { data?: unknown; type?: string }
    if (obj.type === 'Buffer' && Array.isArray(obj.data))
      return Uint8Array.from(obj.data as number[])
    const n = Object.keys(obj).length
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) out[i] = obj[i] ?? 0
    return out
  }
  return new Uint8Array(0)
}

/**
 * RGBA pixels of an HWC image with `channels` channels (1 = gray, 3 = RGB). Small-valued labels
 * (0..4) are scaled to 0..255; images are brightened to their maximum (gain at most
 * {@link MAX_GAIN}) so dim fluorescence stays visible without blowing up background noise.
 */
export function toRgba(
  value: unknown,
  width: number,
  height: number,
  channels: number
): Uint8ClampedArray {
  const src = toBytes(value)
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
