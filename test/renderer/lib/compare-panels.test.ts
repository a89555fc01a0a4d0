import { describe, expect, it } from 'vitest'
import {
  labelPanel,
  LABEL_PANEL_IMAGE_WEIGHT,
  outlinePanel
} from '../../../src-renderer/src/lib/compare-panels'
import { instanceColor } from '../../../src-renderer/src/lib/label-colors'

const W = 7
/** A grey 7×7 image panel and a 7×7 instance label with one 3×3 object (id 5) in its middle. */
function scene() {
  const base = new Uint8ClampedArray(W * W * 4).fill(100)
  const data = new Uint16Array(W * W)
  for (let y = 2; y <= 4; y++) for (let x = 2; x <= 4; x++) data[y * W + x] = 5
  return { base, label: { data, width: W, height: W, kind: 'instances' as const } }
}
const rgb = (px: Uint8ClampedArray, x: number, y: number) =>
  Array.from(px.subarray((y * W + x) * 4, (y * W + x) * 4 + 3))

describe('compare panels', () => {
  it('outlines each object over the undimmed image: edge pixels in its colour, the rest as is', () => {
    const { base, label } = scene()
    const out = outlinePanel(base, label)
    expect(rgb(out, 2, 2)).toEqual([...instanceColor(5)])
    expect(rgb(out, 4, 3)).toEqual([...instanceColor(5)])
    expect(rgb(out, 3, 3)).toEqual([100, 100, 100])
    expect(rgb(out, 0, 0)).toEqual([100, 100, 100])
    let edges = 0
    for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) if (rgb(out, x, y)[0] !== 100) edges++
    expect(edges).toBe(8)
  })

  it('draws a label over a dimmed image', () => {
    const { base, label } = scene()
    const out = labelPanel(base, label)
    expect(rgb(out, 0, 0)).toEqual(Array(3).fill(Math.round(100 * LABEL_PANEL_IMAGE_WEIGHT)))
    expect(rgb(out, 2, 2)).toEqual([...instanceColor(5)])
  })
})
