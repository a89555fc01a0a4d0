import { describe, expect, it } from 'vitest'
import {
  fieldApplies,
  optionProblems,
  OPTIONAL_FIELDS,
  OUTPUT_FIELDS,
  usedOptions
} from '@renderer/components/panels/predict-fields'
import { DEFAULT_EXPORT_OPTIONS } from '@renderer/stores/export'

const field = (key: string) => [...OUTPUT_FIELDS, ...OPTIONAL_FIELDS].find((f) => f.key === key)!

describe('Predict panel settings', () => {
  it('names each value the prediction schema would refuse, and nothing for the defaults', () => {
    expect(optionProblems({ ...DEFAULT_EXPORT_OPTIONS })).toEqual({})
    const bad = optionProblems({
      ...DEFAULT_EXPORT_OPTIONS,
      threshold: 1.5,
      minSize: 2.5,
      batch: 0
    })
    expect(Object.keys(bad).sort()).toEqual(['batch', 'minSize', 'threshold'])
    expect(bad).toEqual({
      threshold: 'Threshold must be at most 1',
      minSize: 'Min object (px) must be a whole number',
      batch: 'Tiles per pass must be at least 1'
    })
    expect(optionProblems({ ...DEFAULT_EXPORT_OPTIONS, scale: 0 })).toEqual({
      scale: 'Scale must be more than 0'
    })
    const tiles = optionProblems({ ...DEFAULT_EXPORT_OPTIONS, tile: 64, overlap: 64 })
    expect(tiles).toEqual({ overlap: 'Overlap (px) must be smaller than the tile (64 px)' })
    expect(optionProblems({ ...DEFAULT_EXPORT_OPTIONS, tile: 0, overlap: 64 })).toEqual({})
  })

  it('keeps each post-processing field to the kinds of model that use it', () => {
    expect(fieldApplies(field('threshold'), 'classes')).toBe(false)
    expect(fieldApplies(field('threshold'), 'instances')).toBe(true)
    expect(fieldApplies(field('h'), 'binary')).toBe(true)
    expect(fieldApplies(field('h'), 'instances')).toBe(false)
    expect(fieldApplies(field('seedLevel'), 'binary')).toBe(false)
    expect(fieldApplies(field('seedLevel'), 'instances')).toBe(true)
    expect(fieldApplies(field('tile'), 'classes')).toBe(true)
    expect(fieldApplies(field('h'), null)).toBe(true)
    expect(fieldApplies(field('minScore'), 'binary')).toBe(true)
    expect(fieldApplies(field('minScore'), 'classes')).toBe(false)
  })

  it('neither checks nor sends what a model does not use', () => {
    const typed = { ...DEFAULT_EXPORT_OPTIONS, minScore: 1.5, threshold: 0.6, scale: 0.5 }
    // a value out of range blocks a binary model, not a multi-class one (its field is disabled)
    expect(optionProblems(typed, 'binary')).toEqual({
      minScore: 'Min object score must be at most 1'
    })
    expect(optionProblems(typed, 'classes')).toEqual({})
    const sent = usedOptions(typed, 'classes')
    expect(sent).not.toHaveProperty('minScore')
    expect(sent).not.toHaveProperty('threshold')
    expect(sent.scale).toBe(0.5)
    expect(usedOptions(typed, 'binary')).toEqual(typed)
    expect(usedOptions(typed, 'instances')).toEqual(typed)
  })
})
