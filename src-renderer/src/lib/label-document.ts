/**
 * A label being edited: the typed-array label, the recorder for the edit in progress and the
 * undo history. Plain object, kept outside any reactive store; every operation returns the
 * rectangle it changed so the view redraws only that.
 */
import { paintSegment } from './brush'
import { EditRecorder } from './edit-recorder'
import { floodFill } from './flood-fill'
import { LabelHistory } from './history'
import { deleteInstance, mergeInstance, nextFreeId, replaceValue } from './instances'
import { unionRect, type LabelBuffer, type Rect } from './label-types'
import { fillPolygon } from './polygon'

/** A label with edit recording and undo/redo. */
export class LabelDocument {
  readonly label: LabelBuffer
  readonly history: LabelHistory
  private recorder: EditRecorder
  private strokeRect: Rect | null = null
  private savedState = 0

  constructor(label: LabelBuffer, history = new LabelHistory()) {
    this.label = label
    this.history = history
    this.recorder = new EditRecorder(label)
  }

  /** Paints one brush segment into the edit in progress (value 0 erases). */
  stroke(x0: number, y0: number, x1: number, y1: number, size: number, value: number): Rect | null {
    const r = paintSegment(this.recorder, x0, y0, x1, y1, size, value)
    this.strokeRect = unionRect(this.strokeRect, r)
    return r
  }

  /** Ends the edit in progress; returns its rectangle, or `null` when nothing changed. */
  commit(): Rect | null {
    const edit = this.recorder.commit()
    this.strokeRect = null
    if (!edit) return null
    this.history.push(edit)
    return edit.rect
  }

  /** Fills a polygon (flat image coordinates) as one edit. */
  fillPolygon(points: readonly number[], value: number): Rect | null {
    fillPolygon(this.recorder, points, value)
    return this.commit()
  }

  /** Flood-fills the region under (x, y) as one edit. */
  floodFill(x: number, y: number, value: number): Rect | null {
    floodFill(this.recorder, x, y, value)
    return this.commit()
  }

  /** Merges instance `from` into `into` as one edit. */
  mergeInstance(from: number, into: number): Rect | null {
    mergeInstance(this.recorder, from, into)
    return this.commit()
  }

  /** Deletes instance `id` as one edit. */
  deleteInstance(id: number): Rect | null {
    deleteInstance(this.recorder, id)
    return this.commit()
  }

  /** Replaces every pixel of value `from` with `to` as one edit (clears a class to the background). */
  replaceValue(from: number, to: number): Rect | null {
    replaceValue(this.recorder, from, to)
    return this.commit()
  }

  /** A fresh instance id (one past the largest in use). */
  nextInstanceId(): number {
    return nextFreeId(this.label)
  }

  /** Undoes the last edit (finishing any edit in progress first). */
  undo(): Rect | null {
    this.commit()
    return this.history.undo(this.label)
  }

  /** Redoes the last undone edit. */
  redo(): Rect | null {
    return this.history.redo(this.label)
  }

  /** True when the label differs from the last saved (or loaded) state. */
  get dirty(): boolean {
    return this.history.stateId !== this.savedState
  }

  /** Marks the current state as saved. Returns the state id that was saved. */
  markSaved(state = this.history.stateId): number {
    this.savedState = state
    return state
  }

  /** Marks the label as not saved (a prediction to keep as it is): the next save writes it. */
  markUnsaved(): void {
    this.savedState = -1
  }

  /** The current state id (changes with every edit, undo and redo). */
  get stateId(): number {
    return this.history.stateId
  }
}
