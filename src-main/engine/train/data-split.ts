import { naturalCompare } from '../../data/natural-sort'
import { Prng } from '../prng'

/** Train and validation sample ids. */
export interface Split {
  train: string[]
  val: string[]
}

/**
 * Seeded split. `random`: ids are sorted, shuffled with the seed, and the first round(n * fraction)
 * become validation (at least one when fraction > 0 and there are two or more ids). `block`: a
 * seeded contiguous run of ids in natural order (e.g. neighbouring EM sections stay together).
 */
export function splitIds(
  ids: readonly string[],
  fraction: number,
  seed: number,
  mode: 'random' | 'block' = 'random'
): Split {
  const sorted = mode === 'block' ? [...ids].sort(naturalCompare) : [...ids].sort()
  let nVal = Math.round(sorted.length * fraction)
  if (fraction > 0 && sorted.length >= 2) nVal = Math.min(sorted.length - 1, Math.max(1, nVal))
  const rng = new Prng(seed)
  if (mode === 'block') {
    const start = rng.int(sorted.length - nVal + 1)
    const val = new Set(sorted.slice(start, start + nVal))
    return { val: sorted.filter((id) => val.has(id)), train: sorted.filter((id) => !val.has(id)) }
  }
  const order = rng.shuffle(sorted)
  return { val: order.slice(0, nVal).sort(), train: order.slice(nVal).sort() }
}
