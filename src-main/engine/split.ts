import { Prng } from './prng'

/** Train and validation sample ids. */
export interface Split {
  train: string[]
  val: string[]
}

/**
 * Seeded split: ids are sorted, shuffled with the seed, and the first round(n * fraction)
 * become validation (at least one when fraction > 0 and there are two or more ids).
 */
export function splitIds(ids: readonly string[], fraction: number, seed: number): Split {
  const order = new Prng(seed).shuffle([...ids].sort())
  let nVal = Math.round(order.length * fraction)
  if (fraction > 0 && order.length >= 2) nVal = Math.min(order.length - 1, Math.max(1, nVal))
  return { val: order.slice(0, nVal).sort(), train: order.slice(nVal).sort() }
}
