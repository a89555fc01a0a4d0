import { describe, expect, it } from 'vitest'
import { EditRecorder } from '@renderer/lib/edit-recorder'
import {
  countInstances,
  deleteInstance,
  mergeInstance,
  nextFreeId,
  valueAt
} from '@renderer/lib/instances'
import { createLabel } from '@renderer/lib/label-types'

function threeCells() {
  const label = createLabel(10, 4, 'instances')
  label.data.set([1, 1, 0, 2, 2, 0, 300, 300, 0, 0], 10)
  return label
}

describe('instances', () => {
  it('picks the id under a point and 0 off-image', () => {
    const label = threeCells()
    expect(valueAt(label, 3.9, 1.2)).toBe(2)
    expect(valueAt(label, -1, 0)).toBe(0)
  })

  it('finds the next free id, reusing gaps only when the type is full', () => {
    expect(nextFreeId(threeCells())).toBe(301)
    expect(nextFreeId(createLabel(3, 3, 'instances'))).toBe(1)
    const full = createLabel(2, 2, 'instances')
    full.data.set([65535, 1, 2, 0])
    expect(nextFreeId(full)).toBe(3)
  })

  it('merges one instance into another and deletes one, as undoable edits', () => {
    const label = threeCells()
    const rec = new EditRecorder(label)
    expect(mergeInstance(rec, 300, 2)).toEqual({ x: 6, y: 1, width: 2, height: 1 })
    expect(countInstances(label)).toBe(2)
    expect(rec.commit()!.indices.length).toBe(2)
    deleteInstance(rec, 1)
    expect(Array.from(label.data.subarray(10, 20))).toEqual([0, 0, 0, 2, 2, 0, 2, 2, 0, 0])
    expect(mergeInstance(rec, 0, 2)).toBeNull()
    expect(deleteInstance(rec, 0)).toBeNull()
  })
})
