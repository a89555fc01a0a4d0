/** Undo/redo over a label as a stack of pixel diffs ({@link LabelEdit}), bounded by memory. */
import type { LabelEdit } from './edit-recorder'
import type { LabelBuffer, Rect } from './label-types'

/** Default memory budget for the undo stack: 64 MiB of diffs. */
export const DEFAULT_HISTORY_BYTES = 64 * 1024 * 1024

function editBytes(edit: LabelEdit): number {
  return edit.indices.byteLength + edit.before.byteLength + edit.after.byteLength
}

/** An undo/redo stack of edits; edits beyond the memory budget drop off the bottom. */
export class LabelHistory {
  private done: { edit: LabelEdit; id: number }[] = []
  private undone: { edit: LabelEdit; id: number }[] = []
  private bytes = 0
  private nextId = 1
  private baseId = 0

  constructor(private readonly maxBytes = DEFAULT_HISTORY_BYTES) {}

  /** Adds an edit that has already been applied; clears the redo stack. */
  push(edit: LabelEdit): void {
    for (const u of this.undone) this.bytes -= editBytes(u.edit)
    this.undone = []
    this.done.push({ edit, id: this.nextId++ })
    this.bytes += editBytes(edit)
    while (this.bytes > this.maxBytes && this.done.length > 1) {
      const dropped = this.done.shift()!
      this.bytes -= editBytes(dropped.edit)
      this.baseId = dropped.id
    }
  }

  /** Reverts the last edit; returns the rectangle it touched, or `null` if nothing to undo. */
  undo(label: LabelBuffer): Rect | null {
    const entry = this.done.pop()
    if (!entry) return null
    const { indices, before } = entry.edit
    for (let k = 0; k < indices.length; k++) label.data[indices[k]] = before[k]
    this.undone.push(entry)
    return entry.edit.rect
  }

  /** Re-applies the last undone edit; returns its rectangle, or `null` if nothing to redo. */
  redo(label: LabelBuffer): Rect | null {
    const entry = this.undone.pop()
    if (!entry) return null
    const { indices, after } = entry.edit
    for (let k = 0; k < indices.length; k++) label.data[indices[k]] = after[k]
    this.done.push(entry)
    return entry.edit.rect
  }

  /** Number of edits that can be undone. */
  get undoCount(): number {
    return this.done.length
  }

  /** Number of edits that can be redone. */
  get redoCount(): number {
    return this.undone.length
  }

  /** Identifies the current state: the id of the newest applied edit (0: as loaded). */
  get stateId(): number {
    return this.done.length ? this.done[this.done.length - 1].id : this.baseId
  }
}
