import { describe, expect, it } from 'vitest'
import { EditRecorder } from '@renderer/lib/edit-recorder'
import { floodFill } from '@renderer/lib/flood-fill'
import { createLabel } from '@renderer/lib/label-types'
import { fillPolygon } from '@renderer/lib/polygon'

function count(data: ArrayLike<number>, v: number): number {
  let n = 0
  for (let i = 0; i < data.length; i++) if (data[i] === v) n++
  return n
}

describe('polygon fill', () => {
  it('fills an axis-aligned square exactly', () => {
    const label = createLabel(20, 20, 'binary')
    const rect = fillPolygon(new EditRecorder(label), [2, 3, 12, 3, 12, 9, 2, 9], 1)
    expect(count(label.data, 1)).toBe(10 * 6)
    expect(rect).toEqual({ x: 2, y: 3, width: 10, height: 6 })
  })

  it('fills a triangle to half its box, and a self-crossing lasso by even-odd', () => {
    const label = createLabel(100, 100, 'classes')
    fillPolygon(new EditRecorder(label), [0, 0, 100, 0, 0, 100], 3)
    expect(Math.abs(count(label.data, 3) - 5000)).toBeLessThan(150)
    const bow = createLabel(40, 40, 'binary')
    fillPolygon(new EditRecorder(bow), [0, 0, 40, 40, 40, 0, 0, 40], 1)
    expect(bow.data[20 * 40 + 2]).toBe(1)
    expect(bow.data[2 * 40 + 20]).toBe(0)
  })

  it('ignores degenerate polygons', () => {
    expect(fillPolygon(new EditRecorder(createLabel(4, 4, 'binary')), [0, 0, 3, 3], 1)).toBeNull()
  })
})

describe('flood fill', () => {
  it('fills a closed ring interior only (4-connected), not the outside', () => {
    const label = createLabel(12, 12, 'binary')
    const rec = new EditRecorder(label)
    for (let k = 2; k <= 9; k++) {
      for (const [x, y] of [
        [k, 2],
        [k, 9],
        [2, k],
        [9, k]
      ])
        rec.set(y * 12 + x, 1)
    }
    rec.commit()
    const rect = floodFill(rec, 5, 5, 1)
    expect(rect).toEqual({ x: 3, y: 3, width: 6, height: 6 })
    expect(count(label.data, 1)).toBe(8 * 8)
    expect(label.data[0]).toBe(0)
  })

  it('does nothing when the seed already has the value or is off-image', () => {
    const label = createLabel(5, 5, 'binary')
    expect(floodFill(new EditRecorder(label), 2, 2, 0)).toBeNull()
    expect(floodFill(new EditRecorder(label), 7, 2, 1)).toBeNull()
  })

  it('fills a large open label quickly enough to be interactive (1024²)', () => {
    const label = createLabel(1024, 1024, 'instances')
    const rect = floodFill(new EditRecorder(label), 500, 500, 7)
    expect(rect).toEqual({ x: 0, y: 0, width: 1024, height: 1024 })
    expect(count(label.data, 7)).toBe(1024 * 1024)
  })
})
