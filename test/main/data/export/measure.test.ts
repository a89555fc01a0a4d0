import { describe, expect, it } from 'vitest'
import { measureObjects } from '../../../../src-main/data/export/measure'
import type { RawImage } from '../../../../src-main/data/image-io'

const W = 120
const H = 100
const image: RawImage = {
  data: new Uint8Array(W * H).fill(100),
  width: W,
  height: H,
  channels: 1,
  bitDepth: 8
}

/** A label image with object 1 wherever `inside(x, y)`. */
function shape(inside: (x: number, y: number) => boolean): Int32Array {
  const labels = new Int32Array(W * H)
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) labels[y * W + x] = inside(x, y) ? 1 : 0
  return labels
}

const measure = (labels: Int32Array) => measureObjects(labels, 1, image)[0]

/** An ellipse with semi-axes a, b, its major axis turned `deg` counter-clockwise on screen. */
function ellipse(cx: number, cy: number, a: number, b: number, deg = 0): Int32Array {
  const t = (deg * Math.PI) / 180
  return shape((x, y) => {
    const dx = x - cx
    const dy = y - cy
    const u = dx * Math.cos(t) - dy * Math.sin(t)
    const v = dx * Math.sin(t) + dy * Math.cos(t)
    return (u / a) ** 2 + (v / b) ** 2 <= 1
  })
}

const near = (value: number, want: number, relative: number) =>
  expect(Math.abs(value - want)).toBeLessThanOrEqual(relative * want)

describe('object measurements against hand-computed shapes', () => {
  it('a disc of radius 20: diameter 40 every way, perimeter 2πr, round, convex', () => {
    const m = measure(ellipse(60, 50, 20, 20))
    near(m.area, Math.PI * 400, 0.01)
    near(m.equivalentDiameter, 40, 0.01)
    near(m.majorAxis, 40, 0.01)
    near(m.minorAxis, 40, 0.01)
    near(m.perimeter, 2 * Math.PI * 20, 0.02)
    expect(m.eccentricity).toBeLessThan(0.05)
    expect(m.solidity).toBeGreaterThan(0.98)
    expect(m.centroidX).toBeCloseTo(60, 6)
    expect(m.centroidY).toBeCloseTo(50, 6)
  })

  it('an ellipse 60 × 30: axes 2a and 2b, eccentricity √3/2, Ramanujan perimeter', () => {
    const m = measure(ellipse(60, 50, 30, 15))
    near(m.area, Math.PI * 30 * 15, 0.01)
    near(m.majorAxis, 60, 0.01)
    near(m.minorAxis, 30, 0.01)
    near(m.eccentricity, Math.sqrt(3) / 2, 0.01)
    const ramanujan = Math.PI * (3 * 45 - Math.sqrt((3 * 30 + 15) * (30 + 3 * 15)))
    near(m.perimeter, ramanujan, 0.02)
    expect(m.orientation).toBe(0)
    expect(m.solidity).toBeGreaterThan(0.98)
  })

  it('the ellipse turned 30° counter-clockwise on screen has orientation 30, and −30 the other way', () => {
    expect(Math.abs(measure(ellipse(60, 50, 30, 15, 30)).orientation - 30)).toBeLessThan(1)
    expect(Math.abs(measure(ellipse(60, 50, 30, 15, -30)).orientation + 30)).toBeLessThan(1)
    expect(Math.abs(Math.abs(measure(ellipse(60, 50, 30, 15, 90)).orientation) - 90)).toBeLessThan(
      1
    )
  })

  it('a 20 × 20 square: perimeter 0.98·4·19 − 4·0.091, axes 2s/√3, solidity 1', () => {
    const m = measure(shape((x, y) => x >= 10 && x < 30 && y >= 20 && y < 40))
    expect(m.area).toBe(400)
    expect(m.perimeter).toBeCloseTo(0.98 * 76 - 4 * 0.091, 9)
    expect(m.equivalentDiameter).toBeCloseTo(Math.sqrt(1600 / Math.PI), 9)
    expect(m.majorAxis).toBeCloseTo(40 / Math.sqrt(3), 9)
    expect(m.minorAxis).toBeCloseTo(40 / Math.sqrt(3), 9)
    expect(m.eccentricity).toBe(0)
    expect(m.orientation).toBe(0)
    expect(m.solidity).toBe(1)
    expect([m.x0, m.y0, m.x1, m.y1]).toEqual([10, 20, 29, 39])
  })

  it('a square with a 10 × 10 corner cut out: traced perimeter and hull by hand', () => {
    const m = measure(shape((x, y) => x < 20 && y < 20 && (x < 10 || y < 10)))
    expect(m.area).toBe(300)
    expect(m.perimeter).toBeCloseTo(0.98 * (19 + 9 + 9 + 9 + 9 + 19) + 1.406 - 7 * 0.091, 9)
    expect(m.solidity).toBeCloseTo(300 / 345, 9)
  })

  it('a single pixel and a one-pixel line', () => {
    const dot = measure(shape((x, y) => x === 5 && y === 5))
    expect([dot.area, dot.perimeter, dot.solidity]).toEqual([1, 0, 1])
    const line = measure(shape((x, y) => y === 7 && x >= 3 && x < 13))
    expect(line.perimeter).toBeCloseTo(0.98 * 18 - 2 * 0.091, 9)
    expect(line.eccentricity).toBeGreaterThan(0.99)
    expect(line.solidity).toBe(1)
  })
})
