/** How a model's objects were made, in words for a results line. */
import type { ModelPostprocess } from '../../../src-preload/options/predict'

/**
 * "threshold 0.6 · min object 30 px · min object score 0.7 · split peak h 1 px" (binary models) or
 * "… · seed level 0.5" (instance models), in the Predict fields' words; only the settings given
 * are named, and the score floor only when it drops anything (above 0).
 */
export function objectsMadeBy(p: ModelPostprocess): string {
  const parts: string[] = []
  if (p.threshold !== undefined) parts.push(`threshold ${p.threshold}`)
  if (p.minSize !== undefined) parts.push(`min object ${p.minSize} px`)
  if (p.minScore) parts.push(`min object score ${p.minScore}`)
  if (p.h !== undefined) parts.push(`split peak h ${p.h} px`)
  if (p.seedLevel !== undefined) parts.push(`seed level ${p.seedLevel}`)
  return parts.join(' · ')
}

/**
 * The test-time augmentation checkbox's title: what it does, and the model's choice while the
 * user has made none.
 */
export function ttaTitle(chosen: ModelPostprocess, given: boolean | undefined): string {
  const what =
    'Average the 8 flips and transposes of each image (the network runs 8 times: about 4× the prediction time)'
  if (given !== undefined || chosen.tta === undefined) return what
  return `${what}; ${chosen.tta ? 'on' : 'off'} as chosen for this model on its validation images`
}

/**
 * A prediction's recorded settings (`prediction.json`) in the same words, with test-time
 * augmentation when it was on: "objects: threshold 0.5 · … · test-time augmentation"; empty when
 * none of them was recorded (multi-class models).
 */
export function settingsText(settings: Record<string, unknown>): string {
  const num = (k: string) => (typeof settings[k] === 'number' ? (settings[k] as number) : undefined)
  const objects = objectsMadeBy({
    threshold: num('threshold'),
    minSize: num('minSize'),
    minScore: num('minScore'),
    h: num('h'),
    seedLevel: num('seedLevel')
  })
  const parts = objects ? [`objects: ${objects}`] : []
  if (settings.tta === true) parts.push('test-time augmentation')
  return parts.join(' · ')
}
