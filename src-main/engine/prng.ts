/** Seeded pseudo-random generator (sfc32) whose state can be saved and restored. */
export class Prng {
  private s: [number, number, number, number]

  /** Seed from a 32-bit integer, or restore from a saved state. */
  constructor(seed: number | readonly number[]) {
    if (typeof seed === 'number') {
      this.s = [0x9e3779b9, 0x243f6a88, 0xb7e15162, seed >>> 0]
      for (let i = 0; i < 15; i++) this.next()
    } else {
      if (seed.length !== 4) throw new Error('PRNG state must have 4 numbers')
      this.s = [seed[0] >>> 0, seed[1] >>> 0, seed[2] >>> 0, seed[3] >>> 0]
    }
  }

  /** A uniform float in [0, 1). */
  next(): number {
    let [a, b, c, d] = this.s
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    this.s = [a >>> 0, b >>> 0, c >>> 0, d >>> 0]
    return (t >>> 0) / 4294967296
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** A uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next()
  }

  /** A standard normal sample (Box-Muller). */
  normal(): number {
    const u = Math.max(this.next(), 1e-12)
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next())
  }

  /** Shuffle an array in place (Fisher-Yates) and return it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      ;[items[i], items[j]] = [items[j], items[i]]
    }
    return items
  }

  /** The current state, to save in a checkpoint. */
  state(): number[] {
    return [...this.s]
  }
}
