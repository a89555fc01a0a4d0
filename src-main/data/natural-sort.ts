/** Natural ordering of names: digit runs compare as numbers (`2` before `10`), as file browsers sort. */
const collator = new Intl.Collator('en', { numeric: true })

/** Compares two names naturally: `0, 1, 2, …, 10, 11` rather than `0, 1, 10, 11, …, 2`. */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0)
}
