/**
 * Models shipped with the app (`resources/models/<name>/`): each folder is a run folder
 * (config.json, model.json + weights.bin in tfjs layers format) with a model card (`card.json`,
 * rendered as README.md). They predict with no training and no download.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from 'zod'
import { TARGETS, SEPARATIONS } from './targets/target-kind'

/** Where the model card's scores were measured, and what they are. */
const scoresSchema = z.object({
  /** The images scored, in words (e.g. the recipe's seeded 24-image validation split). */
  split: z.string(),
  images: z.number().int(),
  /** Mean per-image object F1 at IoU > 0.5. */
  f1: z.number(),
  /** Mean per-image TP / (TP + FP + FN) at IoU > 0.5. */
  ap50: z.number(),
  /** Pooled foreground pixel IoU. */
  iou: z.number(),
  /** Object F1 of each image, by sample id (their mean is `f1`). */
  perImageF1: z.record(z.string(), z.number())
})

/** `card.json`: what the model library lists and the model card shows. */
export const modelCardSchema = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  arch: z.enum(['unet', 'unetpp']),
  labelType: z.enum(TARGETS),
  separation: z.enum(SEPARATIONS).optional(),
  channels: z.number().int(),
  intendedUse: z.string(),
  data: z.object({ name: z.string(), license: z.string(), source: z.string() }),
  recipe: z.string(),
  /** How predictions become instances, in words. */
  postprocess: z.string(),
  /** The command that rebuilds the model, and the training command it runs. */
  command: z.string(),
  trainCommand: z.string(),
  commit: z.string(),
  weights: z.enum(['float32', 'float16']),
  sizeBytes: z.number().int(),
  scores: scoresSchema,
  scoresFloat32: scoresSchema.optional()
})

/** A model card. */
export type ModelCard = z.infer<typeof modelCardSchema>

/** A shipped model: its card and its folder. */
export interface BuiltinModel extends ModelCard {
  dir: string
}

/** Folder of the shipped models: `resources/models` of the app (source tree or bundle). */
export function builtinModelsDir(): string {
  const packaged = (process as { resourcesPath?: string }).resourcesPath
  const candidates = [
    process.env.UNET_STUDIO_MODELS,
    packaged && join(packaged, 'models'),
    join(import.meta.dirname, '../../resources/models'),
    join(import.meta.dirname, '../resources/models')
  ].filter((d): d is string => Boolean(d))
  return candidates.find((d) => existsSync(d)) ?? candidates[candidates.length - 1]
}

/** Read and check one shipped model's card. */
function readCard(dir: string): ModelCard {
  const file = join(dir, 'card.json')
  const parsed = modelCardSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues[0].message}`)
  return parsed.data
}

/** Every shipped model with its card, by name. */
export function listBuiltinModels(): BuiltinModel[] {
  const root = builtinModelsDir()
  if (!existsSync(root)) return []
  return readdirSync(root)
    .sort()
    .map((name) => join(root, name))
    .filter((dir) => existsSync(join(dir, 'card.json')))
    .map((dir) => ({ ...readCard(dir), dir }))
}

/** One shipped model by name (`nuclei`), or null. */
export function builtinModel(name: string): BuiltinModel | null {
  return listBuiltinModels().find((m) => m.name === name) ?? null
}

/**
 * The run folder to load for `--model`: an existing folder as given, else the shipped model of
 * that name; anything else is an error naming both.
 */
export function resolveModel(nameOrDir: string): string {
  if (existsSync(nameOrDir) && statSync(nameOrDir).isDirectory()) return resolve(nameOrDir)
  const builtin = builtinModel(nameOrDir)
  if (builtin) return builtin.dir
  const names = listBuiltinModels().map((m) => m.name)
  throw new Error(
    `${nameOrDir}: no such run folder, and no built-in model of that name (built-in: ${names.join(', ') || 'none'})`
  )
}

/** The shipped models' folders, for the model library (listed first) and the allow-list. */
export async function builtinModelDirs(): Promise<string[]> {
  return listBuiltinModels().map((m) => m.dir)
}
