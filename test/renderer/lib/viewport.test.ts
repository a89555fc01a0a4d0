import { describe, expect, it } from 'vitest'
import { fitView, toImage, zoomAt } from '@renderer/lib/viewport'

describe('viewport', () => {
  it('zooms around the cursor: the image point under it stays put', () => {
    const view = { scale: 2, x: 10, y: 20 }
    const pointer = { x: 300, y: 200 }
    const before = toImage(view, pointer)
    const after = toImage(zoomAt(view, pointer, 1.7), pointer)
    expect(after.x).toBeCloseTo(before.x, 9)
    expect(after.y).toBeCloseTo(before.y, 9)
  })

  it('fits and centres an image in a box', () => {
    const v = fitView(512, 256, 1000, 1000, 0)
    expect(v.scale).toBeCloseTo(1000 / 512)
    expect(v.x).toBe(0)
    expect(v.y).toBe(250)
  })
})
