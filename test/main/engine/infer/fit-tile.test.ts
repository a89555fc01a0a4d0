import { describe, expect, it } from 'vitest'
import { fitTile, tileStarts } from '../../../../src-main/engine/infer/tiling'

describe('fitTile', () => {
  it('gives one tile when the padded axis fits, rounded up to the divisor', () => {
    expect(fitTile(512, 576, 32, 16)).toBe(544)
    expect(fitTile(100, 512, 32, 16)).toBe(144)
  })

  it('never exceeds the largest tile and never needs more tiles than it', () => {
    for (const length of [96, 257, 512, 696, 1024, 1272]) {
      for (const max of [96, 256, 512]) {
        const tile = fitTile(length, max, 32, 16)
        const padded = Math.max(tile, length + 32)
        expect(tile % 16).toBe(0)
        expect(tile).toBeLessThanOrEqual(max)
        expect(tileStarts(padded, tile, 32).length).toBe(
          tileStarts(Math.max(max, length + 32), max, 32).length
        )
      }
    }
  })

  it('keeps 96 px tiles for a 512 px axis at 96 (the old behaviour)', () => {
    expect(fitTile(512, 96, 32, 16)).toBe(96)
  })
})
