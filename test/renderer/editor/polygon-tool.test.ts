import { describe, expect, it } from 'vitest'
import { PolygonInput } from '@renderer/canvas/polygon-tool'

describe('polygon input', () => {
  it('collects clicked vertices and closes on a click near the first one', () => {
    const poly = new PolygonInput()
    const click = (x: number, y: number) => {
      const closed = poly.down({ x, y }, { x: x * 2, y: y * 2 }, 2)
      poly.up()
      return closed
    }
    expect(click(10, 10)).toBe(false)
    expect(click(50, 10)).toBe(false)
    expect(click(30, 40)).toBe(false)
    expect(poly.count).toBe(3)
    expect(click(11, 11)).toBe(true)
    expect(poly.points).toEqual([10, 10, 50, 10, 30, 40])
  })

  it('turns a drag into a lasso that fills on release', () => {
    const poly = new PolygonInput()
    poly.down({ x: 0, y: 0 }, { x: 0, y: 0 }, 1)
    poly.drag({ x: 1, y: 1 }, { x: 1, y: 1 })
    expect(poly.lasso).toBe(false)
    for (const [x, y] of [
      [20, 0],
      [20, 20],
      [0, 20]
    ])
      poly.drag({ x, y }, { x, y })
    expect(poly.lasso).toBe(true)
    expect(poly.up()).toBe(true)
    expect(poly.count).toBe(4)
  })
})
