/**
 * The Train form's own checks, in the form's words: each field's problem under its label
 * ("Patch size must be at least 16"), never a schema's raw text or an option's internal name.
 */
import { trainStart, type TrainConfig } from '../../../src-preload/options/train'

/** The form's label of each option it shows. */
export const TRAIN_FIELD_LABELS: Partial<Record<keyof TrainConfig, string>> = {
  arch: 'Architecture',
  size: 'Patch size',
  base: 'Base filters',
  depth: 'Depth',
  epochs: 'Epochs',
  patches: 'Patches/img',
  batch: 'Batch',
  lr: 'Learning rate',
  loss: 'Loss',
  val: 'Validation',
  seed: 'Seed',
  classWeights: 'Class weights',
  ignoreIndex: 'Ignored class',
  augment: 'Augmentation',
  minLr: 'Lowest rate',
  plateauPatience: 'Patience',
  plateauFactor: 'Rate factor',
  momentum: 'Momentum',
  earlyStop: 'Early stop',
  dropout: 'Dropout',
  objectPatches: 'On objects',
  valTiles: 'Val tiles/img',
  previews: 'Previews/epoch',
  limit: 'Images used',
  focalGamma: 'Focal gamma',
  touchWeight: 'Touching weight',
  touchSigma: 'Touching fade (px)',
  distanceCap: 'Distance cap (px)'
}

/** Words for the losses. */
export const LOSS_NAMES: Record<TrainConfig['loss'], string> = {
  'bce-dice': 'BCE+Dice',
  bce: 'BCE',
  dice: 'Dice',
  focal: 'Focal',
  ce: 'Cross-entropy'
}

interface Issue {
  code: string
  path: PropertyKey[]
  message: string
  minimum?: number | bigint
  maximum?: number | bigint
  inclusive?: boolean
  expected?: string
  format?: string
}

function words(issue: Issue, value: unknown): string {
  const got = typeof value === 'number' && Number.isFinite(value) ? ` (it is ${value})` : ''
  switch (issue.code) {
    case 'too_small':
      return `must be ${issue.inclusive === false ? 'more than' : 'at least'} ${issue.minimum}${got}`
    case 'too_big':
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${issue.maximum}${got}`
    case 'invalid_type':
      return typeof value === 'number' || value === '' || value === undefined
        ? 'needs a number'
        : `needs a ${issue.expected ?? 'value'}`
    case 'invalid_format':
    case 'not_multiple_of':
      return `must be a whole number${got}`
    case 'invalid_value':
      return 'is not one of the choices'
    default:
      return issue.message
  }
}

/** `integer` issues arrive as invalid_type with expected "int" in zod 4. */
function isInteger(issue: Issue): boolean {
  return issue.expected === 'int' || issue.format === 'safeint'
}

/**
 * Problems of the form's values by field, each a sentence starting with the field's label; empty
 * when the options would be accepted. `values` is what the form holds (numbers may be NaN).
 */
export function trainFormErrors(values: Record<string, unknown>): Record<string, string> {
  const parsed = trainStart.safeParse({ data: '/', ...values })
  if (parsed.success) return {}
  const out: Record<string, string> = {}
  for (const raw of parsed.error.issues as Issue[]) {
    const field = String(raw.path[0] ?? '')
    if (out[field]) continue
    const label = TRAIN_FIELD_LABELS[field as keyof TrainConfig] ?? field
    const value = values[field]
    const text =
      raw.code === 'custom'
        ? customWords(field, values)
        : isInteger(raw) && typeof value === 'number' && Number.isFinite(value)
          ? `must be a whole number (it is ${value})`
          : words(raw, value)
    out[field] = `${label} ${text}`
  }
  return out
}

function customWords(field: string, v: Record<string, unknown>): string {
  if (field === 'size')
    return `must be a multiple of ${2 ** Number(v.depth)} (2 to the power of the depth, ${v.depth}); it is ${v.size}`
  if (field === 'loss') return 'does not fit the number of classes'
  if (field === 'classWeights') return `needs one weight per class`
  return 'is not valid'
}
