import { describe, expect, it } from 'vitest'
import {
  objectsMadeBy,
  settingsText,
  ttaTitle
} from '../../../src-renderer/src/lib/postprocess-text'

describe('objectsMadeBy', () => {
  it("names a binary model's settings in the Predict fields' words", () => {
    expect(objectsMadeBy({ threshold: 0.6, minSize: 30, h: 1 })).toBe(
      'threshold 0.6 · min object 30 px · split peak h 1 px'
    )
    expect(objectsMadeBy({ threshold: 0.5, minSize: 20, minScore: 0.7, h: 2 })).toBe(
      'threshold 0.5 · min object 20 px · min object score 0.7 · split peak h 2 px'
    )
    expect(objectsMadeBy({ threshold: 0.5, minScore: 0 })).toBe('threshold 0.5')
  })
  it("names an instance model's seed level, and only the settings given", () => {
    expect(objectsMadeBy({ threshold: 0.5, seedLevel: 0.4 })).toBe('threshold 0.5 · seed level 0.4')
    expect(objectsMadeBy({})).toBe('')
  })
  it("says the model's test-time augmentation choice until the user makes one", () => {
    expect(ttaTitle({ tta: true }, undefined)).toMatch(
      /about 4× the prediction time\); on as chosen for this model/
    )
    expect(ttaTitle({ tta: false }, undefined)).toMatch(/; off as chosen for this model/)
    expect(ttaTitle({ tta: true }, false)).not.toMatch(/chosen/)
    expect(ttaTitle({}, undefined)).not.toMatch(/chosen/)
  })
  it('says how a recorded prediction made its objects, and nothing for a multi-class one', () => {
    const settings = {
      overlap: 32,
      threshold: 0.5,
      minSize: 20,
      minScore: 0.7,
      h: 2,
      tta: true,
      format: 'png'
    }
    expect(settingsText(settings)).toBe(
      'objects: threshold 0.5 · min object 20 px · min object score 0.7 · split peak h 2 px · test-time augmentation'
    )
    expect(settingsText({ overlap: 32, tta: false })).toBe('')
  })
})
