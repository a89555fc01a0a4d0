import { type Connectivity, labelComponents, type LabelImage, neighbourOffsets } from './components'

/**
 * Grayscale reconstruction by dilation of `marker` under `mask` (Vincent 1993, hybrid algorithm).
 * Requires marker <= mask everywhere.
 */
export function reconstructByDilation(
  marker: Float32Array,
  mask: ArrayLike<number>,
  width: number,
  height: number,
  connectivity: Connectivity = 8
): Float32Array {
  const j = new Float32Array(marker)
  const n = width * height
  const forward = neighbourOffsets(connectivity).filter(
    ([dx, dy]) => dy < 0 || (dy === 0 && dx < 0)
  )
  const backward = forward.map(([dx, dy]) => [-dx, -dy] as [number, number])
  const scan = (y: number, x: number, offs: [number, number][]): number => {
    const p = y * width + x
    let v = j[p]
    for (const [dx, dy] of offs) {
      const nx = x + dx
      const ny = y + dy
      if (nx >= 0 && ny >= 0 && nx < width && ny < height && j[ny * width + nx] > v) {
        v = j[ny * width + nx]
      }
    }
    return Math.min(v, mask[p])
  }
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) j[y * width + x] = scan(y, x, forward)
  const fifo = new Int32Array(n * 4)
  let head = 0
  let tail = 0
  const push = (p: number): void => {
    if (tail === fifo.length) {
      fifo.copyWithin(0, head, tail)
      tail -= head
      head = 0
    }
    fifo[tail++] = p
  }
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const p = y * width + x
      j[p] = scan(y, x, backward)
      for (const [dx, dy] of backward) {
        const nx = x + dx
        const ny = y + dy
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue
        const q = ny * width + nx
        if (j[q] < j[p] && j[q] < mask[q]) {
          push(p)
          break
        }
      }
    }
  }
  const all = neighbourOffsets(connectivity)
  while (head < tail) {
    const p = fifo[head++]
    const x = p % width
    const y = (p - x) / width
    for (const [dx, dy] of all) {
      const nx = x + dx
      const ny = y + dy
      if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue
      const q = ny * width + nx
      if (j[q] < j[p] && mask[q] !== j[q]) {
        j[q] = Math.min(j[p], mask[q])
        push(q)
      }
    }
  }
  return j
}

/**
 * Markers from the h-maxima of `f`: maxima whose dynamic (height above the saddle to a higher
 * maximum) is at least `h`, labelled as connected regions (1..count).
 */
export function hMaximaMarkers(
  f: Float32Array,
  width: number,
  height: number,
  h: number,
  connectivity: Connectivity = 8
): LabelImage {
  const shifted = new Float32Array(f.length)
  for (let i = 0; i < f.length; i++) shifted[i] = f[i] - h
  const rec = reconstructByDilation(shifted, f, width, height, connectivity)
  const tol = h * 1e-4
  const peaks = new Uint8Array(f.length)
  for (let i = 0; i < f.length; i++) peaks[i] = f[i] > 0 && f[i] - rec[i] >= h - tol ? 1 : 0
  return labelComponents(peaks, width, height, connectivity)
}

/**
 * Markers at local maxima of `f` (like skimage peak_local_max): a pixel is a peak when it is the
 * maximum of its (2·minDistance+1)² window and above `threshold`; plateaus become one marker.
 */
export function peakMarkers(
  f: Float32Array,
  width: number,
  height: number,
  minDistance: number,
  threshold = 0,
  connectivity: Connectivity = 8
): LabelImage {
  const r = Math.max(1, Math.round(minDistance))
  const rowMax = new Float32Array(f.length)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let m = -Infinity
      for (let k = Math.max(0, x - r); k <= Math.min(width - 1, x + r); k++) {
        if (f[y * width + k] > m) m = f[y * width + k]
      }
      rowMax[y * width + x] = m
    }
  }
  const peaks = new Uint8Array(f.length)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let m = -Infinity
      for (let k = Math.max(0, y - r); k <= Math.min(height - 1, y + r); k++) {
        if (rowMax[k * width + x] > m) m = rowMax[k * width + x]
      }
      const p = y * width + x
      peaks[p] = f[p] > threshold && f[p] >= m ? 1 : 0
    }
  }
  return labelComponents(peaks, width, height, connectivity)
}
