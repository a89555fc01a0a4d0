import { describe, expect, it } from 'vitest'
import {
  fillHoles,
  labelAreas,
  labelComponents,
  relabel,
  removeSmallObjects
} from '../../../../src-main/engine/postprocess/components'

const grid = (rows: string[]): Uint8Array =>
  Uint8Array.from(rows.join('').split(''), (c) => (c === '#' ? 1 : 0))

describe('connected components', () => {
  const diag = grid(['#....', '.#...', '.....', '...##', '...##'])

  it('joins diagonal neighbours with 8-connectivity only', () => {
    expect(labelComponents(diag, 5, 5, 8).count).toBe(2)
    expect(labelComponents(diag, 5, 5, 4).count).toBe(3)
  })

  it('numbers objects 1..n in raster order with their areas', () => {
    const { labels, count } = labelComponents(diag, 5, 5, 8)
    expect(labels[0]).toBe(1)
    expect(labels[3 * 5 + 3]).toBe(2)
    expect(Array.from(labelAreas(labels, count))).toEqual([19, 2, 4])
  })

  it('removes objects below the minimum size', () => {
    const out = removeSmallObjects(diag, 5, 5, 3)
    expect(out.reduce((a, b) => a + b, 0)).toBe(4)
    expect(relabel(labelComponents(diag, 5, 5).labels, 3).count).toBe(1)
  })

  it('fills enclosed holes but not bays open to the border', () => {
    const ring = grid(['#####..', '#...#..', '#.#.#..', '#...#..', '#####..', '.......', '##.##..'])
    const filled = fillHoles(ring, 7, 7)
    for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) expect(filled[y * 7 + x]).toBe(1)
    expect(filled[6 * 7 + 2]).toBe(0)
    expect(filled[5 * 7 + 5]).toBe(0)
  })
})
