import { describe, expect, it } from 'vitest'
import { paintSegment } from '@renderer/lib/brush'
import { EditRecorder } from '@renderer/lib/edit-recorder'
import { LabelHistory } from '@renderer/lib/history'
import { createLabel } from '@renderer/lib/label-types'
import { LabelDocument } from '@renderer/lib/label-document'

describe('edit recorder', () => {
  it('keeps only pixels whose value really changed, with before and after', () => {
    const label = createLabel(10, 10, 'classes')
    label.data[0] = 2
    const rec = new EditRecorder(label)
    rec.set(0, 3)
    rec.set(0, 2)
    rec.set(5, 1)
    rec.set(6, 0)
    const edit = rec.commit()!
    expect(Array.from(edit.indices)).toEqual([5])
    expect(Array.from(edit.before)).toEqual([0])
    expect(Array.from(edit.after)).toEqual([1])
    expect(rec.commit()).toBeNull()
  })
})

describe('history', () => {
  it('undoes and redoes strokes exactly, and a new edit clears redo', () => {
    const doc = new LabelDocument(createLabel(32, 32, 'binary'))
    const empty = doc.label.data.slice()
    doc.stroke(2, 2, 20, 20, 3, 1)
    doc.commit()
    const one = doc.label.data.slice()
    doc.stroke(25, 5, 5, 25, 5, 1)
    doc.commit()
    const two = doc.label.data.slice()
    expect(doc.history.undoCount).toBe(2)
    expect(doc.undo()).not.toBeNull()
    expect(doc.label.data).toEqual(one)
    doc.undo()
    expect(doc.label.data).toEqual(empty)
    expect(doc.undo()).toBeNull()
    doc.redo()
    doc.redo()
    expect(doc.label.data).toEqual(two)
    doc.undo()
    doc.stroke(0, 0, 1, 1, 1, 1)
    doc.commit()
    expect(doc.history.redoCount).toBe(0)
  })

  it('tracks dirty against the saved state through undo and redo', () => {
    const doc = new LabelDocument(createLabel(8, 8, 'binary'))
    expect(doc.dirty).toBe(false)
    doc.stroke(4, 4, 4, 4, 2, 1)
    doc.commit()
    expect(doc.dirty).toBe(true)
    doc.markSaved()
    expect(doc.dirty).toBe(false)
    doc.undo()
    expect(doc.dirty).toBe(true)
    doc.redo()
    expect(doc.dirty).toBe(false)
  })

  it('drops the oldest edits past its memory budget but stays consistent', () => {
    const label = createLabel(64, 64, 'binary')
    const history = new LabelHistory(2000)
    const rec = new EditRecorder(label)
    for (let k = 0; k < 10; k++) {
      paintSegment(rec, 0, k * 6 + 3, 64, k * 6 + 3, 2, 1)
      history.push(rec.commit()!)
    }
    expect(history.undoCount).toBeLessThan(10)
    expect(history.undoCount).toBeGreaterThan(0)
    const before = history.stateId
    while (history.undo(label)) {
      /* undo everything still held */
    }
    expect(history.stateId).not.toBe(0)
    expect(history.stateId).not.toBe(before)
    expect(label.data[3 * 64]).toBe(1)
  })
})
