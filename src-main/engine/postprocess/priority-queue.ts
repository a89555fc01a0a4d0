/** A min-heap of pixel indices keyed by a float priority; equal priorities pop first-in first-out. */
export class PixelQueue {
  private keys: Float64Array
  private order: Float64Array
  private items: Int32Array
  private size = 0
  private pushed = 0

  constructor(capacity = 1024) {
    this.keys = new Float64Array(capacity)
    this.order = new Float64Array(capacity)
    this.items = new Int32Array(capacity)
  }

  /** Number of queued pixels. */
  get length(): number {
    return this.size
  }

  /** Queue pixel `item` with priority `key` (lower pops first). */
  push(item: number, key: number): void {
    if (this.size === this.items.length) this.grow()
    let i = this.size++
    const seq = this.pushed++
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.less(key, seq, this.keys[parent], this.order[parent])) break
      this.move(parent, i)
      i = parent
    }
    this.keys[i] = key
    this.order[i] = seq
    this.items[i] = item
  }

  /** Remove and return the pixel with the lowest priority (-1 when empty). */
  pop(): number {
    if (this.size === 0) return -1
    const top = this.items[0]
    const last = --this.size
    const key = this.keys[last]
    const seq = this.order[last]
    const item = this.items[last]
    let i = 0
    for (;;) {
      let child = 2 * i + 1
      if (child >= last) break
      const right = child + 1
      if (
        right < last &&
        this.less(this.keys[right], this.order[right], this.keys[child], this.order[child])
      ) {
        child = right
      }
      if (!this.less(this.keys[child], this.order[child], key, seq)) break
      this.move(child, i)
      i = child
    }
    this.keys[i] = key
    this.order[i] = seq
    this.items[i] = item
    return top
  }

  private less(k1: number, s1: number, k2: number, s2: number): boolean {
    return k1 < k2 || (k1 === k2 && s1 < s2)
  }

  private move(from: number, to: number): void {
    this.keys[to] = this.keys[from]
    this.order[to] = this.order[from]
    this.items[to] = this.items[from]
  }

  private grow(): void {
    const cap = this.items.length * 2
    const keys = new Float64Array(cap)
    const order = new Float64Array(cap)
    const items = new Int32Array(cap)
    keys.set(this.keys)
    order.set(this.order)
    items.set(this.items)
    this.keys = keys
    this.order = order
    this.items = items
  }
}
