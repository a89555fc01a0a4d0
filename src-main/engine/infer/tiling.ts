/** Where tiles go along one axis of a padded canvas, and how they are blended. */

/** Start offsets of tiles of size `tile` covering `length` with at least `overlap` shared pixels. */
export function tileStarts(length: number, tile: number, overlap: number): number[] {
  if (length <= tile) return [0]
  const stride = Math.max(1, tile - overlap)
  const n = Math.ceil((length - tile) / stride) + 1
  const starts: number[] = []
  for (let k = 0; k < n; k++) starts.push(Math.round((k * (length - tile)) / (n - 1)))
  return starts
}

/**
 * 1-D blending weights for a tile: 0 for the `overlap/4` pixels next to the tile edge (their
 * context is cut by the tile), then a linear ramp up to 1 at `overlap/2` from the edge.
 */
export function blendWindow(tile: number, overlap: number): Float32Array {
  const w = new Float32Array(tile)
  const cut = Math.floor(overlap / 4)
  const full = Math.max(cut + 1, Math.floor(overlap / 2))
  for (let i = 0; i < tile; i++) {
    const d = Math.min(i, tile - 1 - i)
    w[i] = d < cut ? 0 : Math.min(1, (d - cut + 1) / (full - cut + 1))
  }
  return w
}

/** Mirror index (symmetric: the edge pixel repeats) into 0..n-1, for any integer i. */
export function mirrorIndex(i: number, n: number): number {
  const period = 2 * n
  let m = ((i % period) + period) % period
  if (m >= n) m = period - 1 - m
  return m
}

/**
 * Tile side along an axis of `length` for tiles of at most `maxTile`: as many tiles as `maxTile`
 * needs, each shrunk to the smallest multiple of `divisor` that still covers the axis with
 * `overlap` (plus the `overlap/2` mirrored margins). With overlap 32, a 512 px axis gets one
 * 544 px tile when `maxTile` ≥ 544, two of 288 px when `maxTile` is 512 (not two of 512).
 */
export function fitTile(length: number, maxTile: number, overlap: number, divisor: number): number {
  const roundUp = (n: number): number => Math.ceil(n / divisor) * divisor
  const padded = length + 2 * Math.ceil(overlap / 2)
  if (padded <= roundUp(maxTile)) return roundUp(padded)
  const n = Math.ceil((padded - maxTile) / (maxTile - overlap)) + 1
  return Math.min(maxTile, roundUp(Math.ceil((padded + (n - 1) * overlap) / n)))
}

/** Padding before/after an axis of `length`: half the overlap each side, at least up to `tile`. */
export function axisPadding(length: number, tile: number, overlap: number): [number, number] {
  const margin = Math.ceil(overlap / 2)
  const extra = Math.max(0, tile - (length + 2 * margin))
  return [margin + Math.floor(extra / 2), margin + Math.ceil(extra / 2)]
}

/** Mirror-pad an interleaved HWC image. */
export function mirrorPad(
  data: Float32Array,
  width: number,
  height: number,
  channels: number,
  [left, right]: [number, number],
  [top, bottom]: [number, number]
): { data: Float32Array; width: number; height: number } {
  const pw = width + left + right
  const ph = height + top + bottom
  const out = new Float32Array(pw * ph * channels)
  for (let y = 0; y < ph; y++) {
    const sy = mirrorIndex(y - top, height)
    for (let x = 0; x < pw; x++) {
      const src = (sy * width + mirrorIndex(x - left, width)) * channels
      const dst = (y * pw + x) * channels
      for (let c = 0; c < channels; c++) out[dst + c] = data[src + c]
    }
  }
  return { data: out, width: pw, height: ph }
}
