import { describe, expect, it } from 'vitest'
import { paintDab, paintSegment } from '@renderer/lib/brush'
import { EditRecorder } from '@renderer/lib/edit-recorder'
import { createLabel } from '@renderer/lib/label-types'

function count(data: ArrayLike<number>, v: number): number {
  let n = 0
  for (let i = 0; i < data.length; i++) if (data[i] === v) n++
  return n
}

describe('brush', () => {
  it('paints a round dab of about π r² pixels and reports its box', () => {
    const label = createLabel(64, 64, 'binary')
    const rect = paintDab(new EditRecorder(label), 32, 32, 10, 1)
    const n = count(label.data, 1)
    expect(Math.abs(n - Math.PI * 25) / (Math.PI * 25)).toBeLessThan(0.1)
    expect(rect).toEqual({ x: 27, y: 27, width: 10, height: 10 })
  })

  it('size 1 paints exactly the pixel under the pointer', () => {
    const label = createLabel(8, 8, 'classes')
    paintDab(new EditRecorder(label), 3.2, 5.7, 1, 4)
    expect(count(label.data, 4)).toBe(1)
    expect(label.data[5 * 8 + 3]).toBe(4)
  })

  it('paints a continuous capsule along a segment and clips at the border', () => {
    const label = createLabel(40, 20, 'binary')
    const rect = paintSegment(new EditRecorder(label), -5, 10, 45, 10, 4, 1)
    for (let x = 0; x < 40; x++) {
      expect(label.data[10 * 40 + x]).toBe(1)
      expect(label.data[9 * 40 + x]).toBe(1)
      expect(label.data[13 * 40 + x]).toBe(0)
    }
    expect(rect).toEqual({ x: 0, y: 8, width: 40, height: 4 })
  })

  it('writes instance ids above 255 into 16-bit labels', () => {
    const label = createLabel(16, 16, 'instances')
    paintDab(new EditRecorder(label), 8, 8, 3, 1000)
    expect(label.data[8 * 16 + 8]).toBe(1000)
  })

  it('returns null when the dab is entirely off-image', () => {
    expect(paintDab(new EditRecorder(createLabel(8, 8, 'binary')), -20, -20, 4, 1)).toBeNull()
  })
})
