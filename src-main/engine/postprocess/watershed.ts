import { type Connectivity, neighbourOffsets } from './components'
import { PixelQueue } from './priority-queue'

/**
 * Marker-controlled watershed: grow each marker label over `cost` (low values flood first),
 * restricted to the non-zero pixels of `mask`. Pixels of the mask no marker reaches stay 0.
 */
export function markerWatershed(
  cost: ArrayLike<number>,
  markers: Int32Array,
  mask: ArrayLike<number>,
  width: number,
  height: number,
  connectivity: Connectivity = 8
): Int32Array {
  const labels = new Int32Array(markers)
  const queue = new PixelQueue(Math.max(16, (width * height) >> 2))
  const offsets = neighbourOffsets(connectivity)
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] && !mask[i]) labels[i] = 0
    if (labels[i]) queue.push(i, cost[i])
  }
  while (queue.length > 0) {
    const p = queue.pop()
    const x = p % width
    const y = (p - x) / width
    const label = labels[p]
    for (const [dx, dy] of offsets) {
      const nx = x + dx
      const ny = y + dy
      if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue
      const q = ny * width + nx
      if (labels[q] || !mask[q]) continue
      labels[q] = label
      queue.push(q, cost[q])
    }
  }
  return labels
}
