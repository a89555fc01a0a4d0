import { describe, expect, it } from 'vitest'
import { applyWindow, fullWindow, percentileWindow } from '@renderer/lib/windowing'
import {
  DEFAULT_CLASS_COLORS,
  DEFAULT_PALETTE,
  instanceColor,
  paletteFromClasses,
  renderOverlayRect
} from '@renderer/lib/label-colors'
import { createLabel } from '@renderer/lib/label-types'
import { base64ToTyped, typedToBase64 } from '@renderer/lib/base64'

describe('16-bit windowing', () => {
  it('auto window ignores outliers and maps the range onto 0..255', () => {
    const data = new Uint16Array(1000)
    for (let i = 0; i < 1000; i++) data[i] = 1000 + i
    data[0] = 0
    data[999] = 65535
    const img = { data, width: 1000, height: 1, channels: 1, bitDepth: 16 as const }
    const win = percentileWindow(img, 1, 99)
    expect(win.min).toBeGreaterThanOrEqual(1000)
    expect(win.min).toBeLessThan(1020)
    expect(win.max).toBeGreaterThan(1980)
    expect(win.max).toBeLessThan(2000)
    const out = new Uint8ClampedArray(4000)
    applyWindow(img, win, out)
    expect(out[0]).toBe(0)
    expect(out[999 * 4]).toBe(255)
    expect(out[500 * 4]).toBeGreaterThan(100)
    expect(out[500 * 4]).toBeLessThan(155)
    expect(out[500 * 4 + 3]).toBe(255)
  })

  it('keeps 8-bit RGB colours under the full window and survives a flat image', () => {
    const img = {
      data: new Uint8Array([10, 20, 30]),
      width: 1,
      height: 1,
      channels: 3,
      bitDepth: 8 as const
    }
    const out = new Uint8ClampedArray(4)
    applyWindow(img, fullWindow(8), out)
    expect(Array.from(out)).toEqual([10, 20, 30, 255])
    const flat = {
      data: new Uint16Array(16).fill(500),
      width: 4,
      height: 4,
      channels: 1,
      bitDepth: 16 as const
    }
    const win = percentileWindow(flat)
    expect(win.max).toBeGreaterThan(win.min)
  })
})

describe('overlay colours', () => {
  it('draws background transparent, classes in palette colours, instance edges opaque', () => {
    const classes = createLabel(2, 1, 'classes')
    classes.data.set([0, 2])
    const out = new Uint8ClampedArray(8)
    renderOverlayRect(classes, { x: 0, y: 0, width: 2, height: 1 }, DEFAULT_PALETTE, out)
    expect(out[3]).toBe(0)
    expect(Array.from(out.subarray(4, 8))).toEqual([...DEFAULT_CLASS_COLORS[2], 255])
    const inst = createLabel(5, 5, 'instances')
    inst.data.fill(4)
    const big = new Uint8ClampedArray(100)
    renderOverlayRect(inst, { x: 0, y: 0, width: 5, height: 5 }, DEFAULT_PALETTE, big)
    expect(big[(2 * 5 + 2) * 4 + 3]).toBeLessThan(255)
    expect(instanceColor(1)).not.toEqual(instanceColor(2))
    const ring = createLabel(5, 5, 'instances')
    for (const i of [6, 7, 8, 11, 12, 13, 16, 17, 18]) ring.data[i] = 4
    const outline = new Uint8ClampedArray(100)
    renderOverlayRect(ring, { x: 0, y: 0, width: 5, height: 5 }, DEFAULT_PALETTE, outline, {
      outline: true,
      highlight: 4
    })
    expect(outline[(2 * 5 + 2) * 4 + 3]).toBe(0)
    expect(Array.from(outline.subarray(6 * 4, 7 * 4))).toEqual([255, 255, 255, 255])
    expect(outline[3]).toBe(0)
  })

  it("draws a project's classes in their colours: class 0 visible, background and ignored hidden", () => {
    const palette = paletteFromClasses([
      { index: 0, color: [128, 128, 128], background: false, ignore: false },
      { index: 1, color: [128, 0, 0], background: false, ignore: false },
      { index: 11, color: [0, 0, 0], background: false, ignore: true }
    ])
    const label = createLabel(3, 1, 'classes')
    label.data.set([0, 1, 11])
    const out = new Uint8ClampedArray(12)
    renderOverlayRect(label, { x: 0, y: 0, width: 3, height: 1 }, palette, out)
    expect(Array.from(out)).toEqual([128, 128, 128, 255, 128, 0, 0, 255, 0, 0, 0, 0])
    const binary = createLabel(2, 1, 'binary')
    binary.data.set([0, 1])
    const two = new Uint8ClampedArray(8)
    const fg = paletteFromClasses([
      { index: 0, color: [1, 2, 3], background: true, ignore: false },
      { index: 1, color: [10, 20, 30], background: false, ignore: false }
    ])
    renderOverlayRect(binary, { x: 0, y: 0, width: 2, height: 1 }, fg, two)
    expect(Array.from(two)).toEqual([0, 0, 0, 0, 10, 20, 30, 255])
  })
})

describe('base64', () => {
  it('round-trips 8- and 16-bit labels', () => {
    const a = Uint16Array.from([0, 1, 300, 65535])
    expect(Array.from(base64ToTyped(typedToBase64(a), 16))).toEqual([0, 1, 300, 65535])
    const b = new Uint8Array(100_000).map((_, i) => i % 251)
    const back = base64ToTyped(typedToBase64(b), 8)
    expect(back.length).toBe(b.length)
    expect(back.every((v, i) => v === b[i])).toBe(true)
  })
})
