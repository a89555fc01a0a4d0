/** Pixel connectivity: 4 (edges) or 8 (edges and corners). */
export type Connectivity = 4 | 8

/** A label image: 0 is background, objects are numbered 1..count. */
export interface LabelImage {
  labels: Int32Array
  count: number
}

/** Neighbour offsets (dx, dy) for a connectivity. */
export function neighbourOffsets(connectivity: Connectivity): [number, number][] {
  const four: [number, number][] = [
    [1, 0],
    [-1, 0],
    [0, 1],
    [0, -1]
  ]
  return connectivity === 4 ? four : [...four, [1, 1], [1, -1], [-1, 1], [-1, -1]]
}

/** Label the connected components of the non-zero pixels of `mask`, numbered in raster order. */
export function labelComponents(
  mask: ArrayLike<number>,
  width: number,
  height: number,
  connectivity: Connectivity = 8
): LabelImage {
  const labels = new Int32Array(width * height)
  const stack = new Int32Array(width * height)
  const offsets = neighbourOffsets(connectivity)
  let count = 0
  for (let start = 0; start < labels.length; start++) {
    if (!mask[start] || labels[start]) continue
    count++
    labels[start] = count
    let top = 0
    stack[top++] = start
    while (top > 0) {
      const p = stack[--top]
      const x = p % width
      const y = (p - x) / width
      for (const [dx, dy] of offsets) {
        const nx = x + dx
        const ny = y + dy
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue
        const q = ny * width + nx
        if (mask[q] && !labels[q]) {
          labels[q] = count
          stack[top++] = q
        }
      }
    }
  }
  return { labels, count }
}

/** Pixel count per label (index 0 is the background). */
export function labelAreas(labels: ArrayLike<number>, count: number): Int32Array {
  const areas = new Int32Array(count + 1)
  for (let i = 0; i < labels.length; i++) areas[labels[i]]++
  return areas
}

/** Renumber labels to 1..n in raster order, dropping labels whose area is below `minSize`. */
export function relabel(labels: Int32Array, minSize = 0): LabelImage {
  let max = 0
  for (let i = 0; i < labels.length; i++) if (labels[i] > max) max = labels[i]
  const areas = labelAreas(labels, max)
  const map = new Int32Array(max + 1)
  const out = new Int32Array(labels.length)
  let count = 0
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]
    if (l === 0 || areas[l] < minSize) continue
    if (map[l] === 0) map[l] = ++count
    out[i] = map[l]
  }
  return { labels: out, count }
}

/** Binary mask (0/1) without the connected objects smaller than `minSize` pixels. */
export function removeSmallObjects(
  mask: ArrayLike<number>,
  width: number,
  height: number,
  minSize: number,
  connectivity: Connectivity = 8
): Uint8Array {
  const { labels, count } = labelComponents(mask, width, height, connectivity)
  const areas = labelAreas(labels, count)
  const out = new Uint8Array(width * height)
  for (let i = 0; i < out.length; i++) out[i] = labels[i] && areas[labels[i]] >= minSize ? 1 : 0
  return out
}

/**
 * Binary mask (0/1) with holes filled: background regions not connected to the image border.
 * Background connectivity is the complement of the foreground's (8-connected objects → 4).
 * Holes larger than `maxHoleSize` pixels are kept (default: fill all).
 */
export function fillHoles(
  mask: ArrayLike<number>,
  width: number,
  height: number,
  connectivity: Connectivity = 8,
  maxHoleSize = Infinity
): Uint8Array {
  const background = new Uint8Array(width * height)
  for (let i = 0; i < background.length; i++) background[i] = mask[i] ? 0 : 1
  const { labels, count } = labelComponents(background, width, height, connectivity === 8 ? 4 : 8)
  const touches = new Uint8Array(count + 1)
  for (let x = 0; x < width; x++) {
    touches[labels[x]] = 1
    touches[labels[(height - 1) * width + x]] = 1
  }
  for (let y = 0; y < height; y++) {
    touches[labels[y * width]] = 1
    touches[labels[y * width + width - 1]] = 1
  }
  const areas = labelAreas(labels, count)
  const out = new Uint8Array(width * height)
  for (let i = 0; i < out.length; i++) {
    const l = labels[i]
    out[i] = l === 0 || (!touches[l] && areas[l] <= maxHoleSize) ? 1 : 0
  }
  return out
}

/** Give every mask pixel no seed reached its own label, by connected components of the rest. */
export function labelLeftovers(
  labels: Int32Array,
  mask: ArrayLike<number>,
  w: number,
  h: number
): void {
  let max = 0
  for (let i = 0; i < labels.length; i++) if (labels[i] > max) max = labels[i]
  const rest = new Uint8Array(labels.length)
  for (let i = 0; i < rest.length; i++) rest[i] = mask[i] && !labels[i] ? 1 : 0
  const extra = labelComponents(rest, w, h, 8)
  for (let i = 0; i < rest.length; i++) if (extra.labels[i]) labels[i] = max + extra.labels[i]
}
