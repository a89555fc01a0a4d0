import { type LabelImage, relabel } from './components'

/** Mean of `probability` over each object (index 0, the background, is 0). */
export function objectScores(instances: LabelImage, probability: ArrayLike<number>): Float64Array {
  const sum = new Float64Array(instances.count + 1)
  const area = new Float64Array(instances.count + 1)
  const { labels } = instances
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]
    if (l === 0) continue
    sum[l] += probability[i]
    area[l]++
  }
  for (let l = 1; l <= instances.count; l++) sum[l] = area[l] ? sum[l] / area[l] : 0
  sum[0] = 0
  return sum
}

/**
 * The objects whose mean foreground probability is at least `minScore`, renumbered 1..n: faint
 * objects (debris, out-of-focus cells, outlines) go, confident ones stay whole. 0 keeps all.
 */
export function dropFaintObjects(
  instances: LabelImage,
  probability: ArrayLike<number>,
  minScore: number
): LabelImage {
  if (minScore <= 0) return instances
  const score = objectScores(instances, probability)
  const kept = Int32Array.from(instances.labels, (l) => (l && score[l] >= minScore ? l : 0))
  return relabel(kept)
}
