/** Instance-mask merge options: one schema for the data layer, the CLI and `merge:start`. */
import { z } from 'zod'
import { path } from './common'

/** How instance masks become one label: binary union, instance ids, or background/interior/boundary. */
export const MERGE_MODES = ['binary', 'instances', 'boundary'] as const

/** How instance masks are turned into one training label. */
export type MergeMode = (typeof MERGE_MODES)[number]

/** The target and an optional square size. */
const mergeSettings = {
  mode: z.enum(MERGE_MODES).default('binary'),
  /** Resize to size x size: images linear, labels nearest (boundaries found after resizing). */
  size: z.number().int().positive().optional()
}

/** A merge: the dataset, where the flat pairs go, and the settings. */
export const mergeOptions = z.strictObject({
  /** Dataset folder (DSB2018 per-instance masks, or flat images/ + masks/). */
  root: path,
  /** Output folder (never inside the source folders). */
  out: path,
  ...mergeSettings
})

/** Merge options with every default filled. */
export type MergeOptions = z.output<typeof mergeOptions>

/** `merge:start`: the same options; the output defaults to `<root>/.unet-studio/merged-<mode>`. */
export const mergeStart = mergeOptions.extend({ out: path.optional() })

/** Every merge setting's default. */
export const MERGE_DEFAULTS: Omit<MergeOptions, 'root' | 'out'> = z.object(mergeSettings).parse({})

/** The names of the merge options, for completeness checks. */
export const MERGE_OPTION_NAMES = Object.keys(mergeOptions.shape) as (keyof MergeOptions)[]
