/**
 * Records pixel writes into a label as one undoable edit: for every pixel touched it keeps the
 * value before the first write, and on commit the value after, so an edit costs memory in
 * proportion to the pixels it touched rather than the image size.
 */
import type { LabelBuffer, LabelData, Rect } from './label-types'

/** One undoable change: touched pixel indices with their values before and after. */
export interface LabelEdit {
  indices: Uint32Array
  before: LabelData
  after: LabelData
  /** Bounding box of the touched pixels. */
  rect: Rect
}

/** Anything the painting functions can write pixels through. */
export interface PixelWriter {
  /** The label being written. */
  readonly label: LabelBuffer
  /** Sets pixel `index` (row-major) to `value`. */
  set(index: number, value: number): void
}

/** A {@link PixelWriter} that remembers what it overwrote, to build a {@link LabelEdit}. */
export class EditRecorder implements PixelWriter {
  readonly label: LabelBuffer
  private touched: Uint8Array
  private indices = new Uint32Array(1024)
  private before = new Uint16Array(1024)
  private count = 0
  private x0 = Infinity
  private y0 = Infinity
  private x1 = -Infinity
  private y1 = -Infinity

  constructor(label: LabelBuffer) {
    this.label = label
    this.touched = new Uint8Array(label.width * label.height)
  }

  /** Sets a pixel, remembering its first value in this edit. */
  set(index: number, value: number): void {
    const data = this.label.data
    if (!this.touched[index]) {
      if (data[index] === value) return
      this.touched[index] = 1
      if (this.count === this.indices.length) this.grow()
      this.indices[this.count] = index
      this.before[this.count++] = data[index]
      const x = index % this.label.width
      const y = (index - x) / this.label.width
      if (x < this.x0) this.x0 = x
      if (x > this.x1) this.x1 = x
      if (y < this.y0) this.y0 = y
      if (y > this.y1) this.y1 = y
    }
    data[index] = value
  }

  /** Pixels touched so far. */
  get size(): number {
    return this.count
  }

  private grow(): void {
    const indices = new Uint32Array(this.indices.length * 2)
    indices.set(this.indices)
    const before = new Uint16Array(this.before.length * 2)
    before.set(this.before)
    this.indices = indices
    this.before = before
  }

  /** Ends the edit: returns it (or `null` when nothing really changed) and starts a new one. */
  commit(): LabelEdit | null {
    const data = this.label.data
    const Ctor = data instanceof Uint16Array ? Uint16Array : Uint8Array
    const indices = new Uint32Array(this.count)
    const before = new Ctor(this.count)
    const after = new Ctor(this.count)
    let n = 0
    for (let k = 0; k < this.count; k++) {
      const i = this.indices[k]
      this.touched[i] = 0
      if (data[i] !== this.before[k]) {
        indices[n] = i
        before[n] = this.before[k]
        after[n++] = data[i]
      }
    }
    const rect = {
      x: this.x0,
      y: this.y0,
      width: this.x1 - this.x0 + 1,
      height: this.y1 - this.y0 + 1
    }
    this.reset()
    if (n === 0) return null
    return {
      indices: indices.slice(0, n),
      before: before.slice(0, n),
      after: after.slice(0, n),
      rect
    }
  }

  private reset(): void {
    this.count = 0
    if (this.indices.length > 1 << 16) {
      this.indices = new Uint32Array(1024)
      this.before = new Uint16Array(1024)
    }
    this.x0 = this.y0 = Infinity
    this.x1 = this.y1 = -Infinity
  }
}
