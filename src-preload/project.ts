/**
 * A dataset's project file, `<dataset>/.unet-studio/project.json`: what its labels are (binary,
 * multi-class or instances), whether a binary mask's foreground is its dark value, and the
 * named classes. Main seeds, reads and writes it; the renderer edits it; both validate it here.
 */
import { z } from 'zod'

/** What a label's values mean: binary 0/1, class indices, or instance ids. */
export const LABEL_KINDS = ['binary', 'classes', 'instances'] as const
/** What a label's values mean: binary 0/1, class indices, or instance ids. */
export type LabelKind = (typeof LABEL_KINDS)[number]

/** Version written to project.json. */
export const PROJECT_VERSION = 1

/** Largest class index a project holds (8-bit class-index labels). */
export const MAX_CLASS_INDEX = 255

/** Colours for classes that have none of their own, by index (index 0 is a neutral grey). */
export const DEFAULT_CLASS_COLORS: readonly (readonly [number, number, number])[] = [
  [120, 120, 120],
  [255, 64, 129],
  [0, 200, 255],
  [255, 196, 0],
  [118, 255, 3],
  [170, 102, 255],
  [255, 112, 67],
  [29, 233, 182],
  [255, 235, 59],
  [64, 120, 255],
  [240, 98, 146],
  [174, 234, 0],
  [0, 229, 255]
]

/** The default colour of class `index`. */
export function defaultClassColor(index: number): [number, number, number] {
  if (index === 0) return [...DEFAULT_CLASS_COLORS[0]]
  const n = DEFAULT_CLASS_COLORS.length - 1
  return [...DEFAULT_CLASS_COLORS[1 + ((index - 1) % n)]]
}

const channel = z.number().int().min(0).max(255)

/** One class: its label value, name, display colour, and whether it is background or ignored. */
export const projectClassSchema = z.object({
  index: z.number().int().min(0).max(MAX_CLASS_INDEX),
  name: z.string().trim().min(1, 'a class needs a name').max(80),
  color: z.tuple([channel, channel, channel]),
  /** The eraser paints it and the overlay leaves it transparent. */
  background: z.boolean().default(false),
  /** Left out of the loss and the scores (e.g. CamVid's Unlabelled). */
  ignore: z.boolean().default(false)
})

/** One class of a project. */
export type ProjectClass = z.infer<typeof projectClassSchema>

/** Where a project's classes came from when it was seeded. */
export const CLASS_SOURCES = ['classes.csv', 'labelmap.txt', 'mask values', 'label type'] as const

/** What was found in the masks when the project was seeded (shown as hints, never applied silently). */
export const detectedSchema = z.object({
  /** The label type the masks look like, or null (no masks). */
  labelType: z.enum(LABEL_KINDS).nullable(),
  /** Words for what the mask values are, e.g. `binary 0/255`, `class indices 0..11`. */
  values: z.string(),
  /** Binary masks: share of pixels that are non-zero in the masks checked, else null. */
  foregroundShare: z.number().min(0).max(1).nullable(),
  masksChecked: z.number().int().min(0)
})

/** What was found in the masks when the project was seeded. */
export type DetectedLabels = z.infer<typeof detectedSchema>

/** `<dataset>/.unet-studio/project.json`. */
export const projectSchema = z
  .object({
    version: z.literal(PROJECT_VERSION).default(PROJECT_VERSION),
    labelType: z.enum(LABEL_KINDS),
    /** Binary only: the foreground is the mask's zero (dark) value, e.g. ISBI membranes. */
    invert: z.boolean().default(false),
    classes: z.array(projectClassSchema),
    classesFrom: z.enum(CLASS_SOURCES).default('label type'),
    detected: detectedSchema.optional()
  })
  .superRefine((p, ctx) => {
    const seen = new Set<number>()
    for (const [i, c] of p.classes.entries()) {
      if (seen.has(c.index))
        ctx.addIssue({
          code: 'custom',
          path: ['classes', i, 'index'],
          message: `class index ${c.index} appears twice`
        })
      seen.add(c.index)
    }
  })

/** A dataset's project file. */
export type Project = z.infer<typeof projectSchema>
/** A project as written by hand or by the class panel (defaults not yet filled). */
export type ProjectInput = z.input<typeof projectSchema>

/** The classes a model learns for a project: count, ignored index, names and colours. */
export interface TrainingClasses {
  /** 1 for binary and instances (sigmoid), else the number of output channels. */
  classes: number
  /** Label value left out of loss and scores, or -1. */
  ignoreIndex: number
  /** Names by class index 0..classes-1 (binary: background and foreground). */
  names: string[]
}

/**
 * The model's classes for a project: binary and instances train one sigmoid output; multi-class
 * trains one output per index up to the highest class that is not ignored, with the (first)
 * ignored class as the ignore index. Throws a named error for fewer than two classes.
 */
export function trainingClasses(p: Project): TrainingClasses {
  const sorted = [...p.classes].sort((a, b) => a.index - b.index)
  const ignored = sorted.filter((c) => c.ignore)
  if (p.labelType !== 'classes') {
    const fg = sorted.find((c) => !c.background && !c.ignore)
    return { classes: 1, ignoreIndex: -1, names: ['Background', fg?.name ?? 'Foreground'] }
  }
  const used = sorted.filter((c) => !c.ignore)
  if (used.length < 2)
    throw new Error(
      `multi-class training needs at least two classes that are not ignored; the class panel lists ${used.length}`
    )
  const classes = used[used.length - 1].index + 1
  const names = Array.from(
    { length: classes },
    (_, i) => sorted.find((c) => c.index === i)?.name ?? `Class ${i}`
  )
  return { classes, ignoreIndex: ignored[0]?.index ?? -1, names }
}
