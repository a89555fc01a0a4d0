/**
 * The Predict panel's optional numeric settings: empty leaves each to the chosen model's value
 * (its config.json `postprocess`), else to the default shown as the placeholder.
 */
import {
  POSTPROCESS_FALLBACK,
  predictOptions,
  type ModelPostprocess
} from '../../../../src-preload/options/predict'
import type { ModelLabelType } from '../../../../src-preload/records'
import type { ExportOptions, OptionalSetting } from '../../stores/export'

/** One optional numeric setting of a prediction. */
export interface OptionalField {
  key: OptionalSetting
  label: string
  title: string
  min: number
  max?: number
  step: number
  /** What an empty field means when the model chose nothing. */
  placeholder: string
  /** The kinds of model that use it (all when absent). */
  kinds?: ModelLabelType[]
}

/** The output settings a model may have chosen values for (its config.json `postprocess`). */
export const OUTPUT_FIELDS: OptionalField[] = [
  {
    key: 'threshold',
    label: 'Threshold',
    title: 'Foreground probability threshold',
    min: 0,
    max: 1,
    step: 0.05,
    placeholder: String(POSTPROCESS_FALLBACK.threshold),
    kinds: ['binary', 'instances']
  },
  {
    key: 'minSize',
    label: 'Min object (px)',
    title: 'Objects smaller than this many pixels are dropped',
    min: 0,
    step: 1,
    placeholder: String(POSTPROCESS_FALLBACK.minSize),
    kinds: ['binary', 'instances']
  },
  {
    key: 'minScore',
    label: 'Min object score',
    title:
      'Objects whose mean foreground probability is below this are dropped after splitting (0 keeps all): faint debris and outlines go',
    min: 0,
    max: 1,
    step: 0.05,
    placeholder: String(POSTPROCESS_FALLBACK.minScore),
    kinds: ['binary', 'instances']
  }
]
/** The separation, tiling and measurement settings (empty: the model's value, else the default). */
export const OPTIONAL_FIELDS: OptionalField[] = [
  {
    key: 'h',
    label: 'Split peak h (px)',
    title: 'Binary models: least height of a distance peak that seeds an object',
    min: 0.1,
    step: 0.5,
    placeholder: String(POSTPROCESS_FALLBACK.h),
    kinds: ['binary']
  },
  {
    key: 'seedLevel',
    label: 'Seed level',
    title: 'Instance models: seeds where the predicted distance is at least this',
    min: 0,
    max: 1,
    step: 0.05,
    placeholder: '0.5',
    kinds: ['instances']
  },
  {
    key: 'pixelSize',
    label: 'Pixel size (µm)',
    title: 'µm per pixel for the measurement table (default: each TIFF’s own)',
    min: 0,
    step: 0.01,
    placeholder: 'from TIFF'
  },
  {
    key: 'scale',
    label: 'Scale',
    title: 'Resize images by this factor before prediction',
    min: 0.05,
    step: 0.1,
    placeholder: '1'
  },
  {
    key: 'tile',
    label: 'Tile (px)',
    title:
      'Largest tile side in pixels (0 = always the whole image); by default images up to 1024×1024 px go whole, larger ones in 512 px tiles',
    min: 0,
    step: 32,
    placeholder: 'auto'
  }
]
/** The model's chosen value of a field, if it has one. */
function chosenValue(f: OptionalField, chosen: ModelPostprocess): number | undefined {
  const value = f.key in chosen ? chosen[f.key as keyof ModelPostprocess] : undefined
  return typeof value === 'number' ? value : undefined
}

/** What an empty field shows: the model's value ("30 (model)"), else the default. */
export function placeholderOf(f: OptionalField, chosen: ModelPostprocess): string {
  const v = chosenValue(f, chosen)
  return v === undefined ? f.placeholder : `${v} (model)`
}

/** The field's hover text, saying what an empty field means. */
export function titleOf(f: OptionalField, chosen: ModelPostprocess): string {
  const v = chosenValue(f, chosen)
  return `${f.title}; empty: ${v === undefined ? f.placeholder : `${v}, chosen for this model`}`
}

/** Whether a model of kind `kind` uses the field (any field while no model is chosen). */
export function fieldApplies(
  f: Pick<OptionalField, 'kinds'>,
  kind: ModelLabelType | null
): boolean {
  return !f.kinds || !kind || f.kinds.includes(kind)
}

/** The hover text of a field a model does not use. */
export function notUsedBy(kind: ModelLabelType): string {
  return kind === 'classes'
    ? 'Not used by multi-class models: each pixel takes its most likely class'
    : `Not used by ${kind} models`
}

/** Labels of the prediction settings, for messages about them. */
const LABELS: Record<string, string> = {
  ...Object.fromEntries([...OUTPUT_FIELDS, ...OPTIONAL_FIELDS].map((f) => [f.key, f.label])),
  overlap: 'Overlap (px)',
  batch: 'Tiles per pass'
}

/** A schema issue about a number, in the form's words ("at most 1", "a whole number"). */
function inWords(issue: {
  code: string
  message: string
  minimum?: unknown
  maximum?: unknown
  inclusive?: boolean
  expected?: string
}): string {
  if (issue.code === 'too_big')
    return issue.inclusive === false
      ? `less than ${issue.maximum}`
      : `at most ${String(issue.maximum)}`
  if (issue.code === 'too_small')
    return issue.inclusive === false
      ? `more than ${issue.minimum}`
      : `at least ${String(issue.minimum)}`
  if (issue.code === 'invalid_type' && issue.expected === 'int') return 'a whole number'
  return issue.message
}

/**
 * The options a model of kind `kind` is sent: without the values typed in fields it does not use
 * (they are disabled for it, and must neither block nor reach the prediction).
 */
export function usedOptions(options: ExportOptions, kind: ModelLabelType | null): ExportOptions {
  const used = { ...options }
  for (const f of [...OUTPUT_FIELDS, ...OPTIONAL_FIELDS])
    if (!fieldApplies(f, kind)) delete used[f.key]
  return used
}

/**
 * What is wrong with each setting the prediction schema refuses (as the host would refuse it),
 * by option name: `Threshold must be at most 1`; and an overlap that leaves no room in the tiles.
 * Fields the chosen model (of kind `kind`) does not use are not checked.
 */
export function optionProblems(
  options: ExportOptions,
  kind: ModelLabelType | null = null
): Record<string, string> {
  const used = usedOptions(options, kind)
  const parsed = predictOptions.safeParse({ ...used, model: 'm', input: 'i', out: 'o' })
  const problems: Record<string, string> = {}
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0])
      problems[key] ??= `${LABELS[key] ?? key} must be ${inWords(issue)}`
    }
  const { tile, overlap } = options
  if (tile && tile > 0 && overlap >= tile)
    problems.overlap ??= `${LABELS.overlap} must be smaller than the tile (${tile} px)`
  return problems
}
