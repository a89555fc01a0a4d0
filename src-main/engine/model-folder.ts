/**
 * Where a model's files are, and what it is: a run folder (config.json + model/ or last/), a
 * shipped-style model folder (config.json + model.json), or the `model/` or `last/` folder of a
 * run. Used by the model library, prediction records, fine-tuning and evaluation.
 */
import { existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import type { ModelEntry, ModelLabelType } from '../../src-preload/records'
import type { RunConfig } from './config'
import { readLog, readRunConfig, weightsDirOf } from './run-store'

/** The weights file of a model folder. */
const MODEL_JSON = 'model.json'

export { weightsDirOf } from './run-store'

/** A folder that holds no usable model; the message names the folder and what is missing. */
export class NotAModelError extends Error {
  override name = 'NotAModelError'
}

/** A model on disk: its run folder (config.json) and the folder its weights load from. */
export interface ModelFolder {
  runDir: string
  /** model/ (best), else last/ (checkpoint), else the run folder itself; null when none yet. */
  weightsDir: string | null
}

/**
 * Resolves a run or model folder: `path` itself when it holds config.json, its parent when
 * `path` is the `model/` or `last/` folder of a run. Anything else is a {@link NotAModelError}.
 */
export async function resolveModelFolder(path: string): Promise<ModelFolder> {
  const abs = resolve(path)
  const info = await stat(abs).catch(() => null)
  if (!info) throw new NotAModelError(`${abs}: no such folder`)
  if (!info.isDirectory()) throw new NotAModelError(`${abs}: not a folder`)
  let runDir = abs
  if (!existsSync(join(abs, 'config.json'))) {
    const parent = dirname(abs)
    if (!existsSync(join(abs, MODEL_JSON)) || !existsSync(join(parent, 'config.json')))
      throw new NotAModelError(
        `${abs}: not a model: no config.json (a run folder holds config.json and model/)`
      )
    runDir = parent
  }
  return { runDir, weightsDir: weightsDirOf(runDir) }
}

/** What a model predicts, from its run config (`target` for instance runs, else by classes). */
export function labelTypeOf(config: { classes?: number; target?: unknown }): ModelLabelType {
  if (config.target === 'instances') return 'instances'
  if (config.target === 'classes' || (config.classes ?? 1) > 1) return 'classes'
  return 'binary'
}

/** A shipped model's title and validation F1@0.5 from its `card.json`, if it has one. */
async function readCard(runDir: string): Promise<{ title: string | null; f1: number | null }> {
  const file = join(runDir, 'card.json')
  if (!existsSync(file)) return { title: null, f1: null }
  const card = JSON.parse(await readFile(file, 'utf8')) as {
    title?: unknown
    scores?: { f1?: unknown }
  }
  return {
    title: typeof card.title === 'string' ? card.title : null,
    f1: typeof card.scores?.f1 === 'number' ? card.scores.f1 : null
  }
}

/** The described part of a library entry: everything but where it came from. */
export type ModelDescription = Omit<ModelEntry, 'source' | 'addedAt'>

/** A model's library description, read from its config.json, log.csv and weights. */
export async function describeModel(path: string): Promise<ModelDescription> {
  const { runDir, weightsDir } = await resolveModelFolder(path)
  const config: Partial<RunConfig> = await readRunConfig(runDir)
  const log = await readLog(runDir)
  const vals = log.map((r) => r.val_iou).filter((v) => Number.isFinite(v))
  const dataset = typeof config.data === 'string' ? config.data : null
  const { title, f1: cardF1 } = await readCard(runDir)
  const name = title ?? (dataset ? `${basename(dataset)}/${basename(runDir)}` : basename(runDir))
  return {
    path: runDir,
    name,
    status: weightsDir ? 'ready' : 'no model yet',
    dataset,
    createdAt: config.createdAt ?? null,
    arch: config.arch ?? null,
    base: config.base ?? null,
    depth: config.depth ?? null,
    size: config.size ?? null,
    labelType: labelTypeOf(config),
    invertMask: config.invertMask ?? null,
    classes: config.classes ?? null,
    channels: config.channels ?? null,
    bestValIou: vals.length ? Math.max(...vals) : null,
    cardF1,
    // a shipped model has no log: it was trained for the epochs its config names
    epochs: log.length || (title ? (config.epochs ?? 0) : 0),
    init: config.init ?? null,
    postprocess: config.postprocess ?? null
  }
}
