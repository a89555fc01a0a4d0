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
  private indices: number[] = []
  private before: number[] = []
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
      this.indices.push(index)
      this.before.push(data[index])
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
    return this.indices.length
  }

  /** Ends the edit: returns it (or `null` when nothing really changed) and starts a new one. */
  commit(): LabelEdit | null {
    const data = this.label.data
    const kept: number[] = []
    const before: number[] = []
    for (let k = 0; k < this.indices.length; k++) {
      const i = this.indices[k]
      this.touched[i] = 0
      if (data[i] !== this.before[k]) {
        kept.push(i)
        before.push(this.before[k])
      }
    }
    const rect = {
      x: this.x0,
      y: this.y0,
      width: this.x1 - this.x0 + 1,
      height: this.y1 - this.y0 + 1
    }
    this.reset()
    if (kept.length === 0) return null
    const Ctor = data instanceof Uint16Array ? Uint16Array : Uint8Array
    const indices = Uint32Array.from(kept)
    const after = new Ctor(kept.length)
    for (let k = 0; k < kept.length; k++) after[k] = data[kept[k]]
    return { indices, before: Ctor.from(before), after, rect }
  }

  private reset(): void {
    this.indices = []
    this.before = []
    this.x0 = this.y0 = Infinity
    this.x1 = this.y1 = -Infinity
  }
}
