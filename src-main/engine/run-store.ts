import { modelPostprocess } from '../../src-preload/options/predict'
import { readFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { appendFileSynced, writeFileAtomic } from '../data/atomic-write'
import type { RunConfig } from './config'
import { loadModel } from './models/model-io'
import { inferenceView } from './models'
import { targetOf } from './targets/target-kind'
import type { tf } from './backend/tf'

/** Column order of `log.csv` (multi-class runs add one `val_iou_<class>` column per class). */
export const LOG_COLUMNS = [
  'epoch',
  'lr',
  'loss',
  'iou',
  'dice',
  'val_loss',
  'val_iou',
  'val_dice',
  'seconds'
] as const

/** One epoch row of `log.csv`; `val_class_iou` holds the per-class columns of multi-class runs. */
export type LogRow = Record<(typeof LOG_COLUMNS)[number], number> & { val_class_iou?: number[] }

/** Name of the per-class IoU column of class `k`. */
export function classIouColumn(k: number): string {
  return `val_iou_${k}`
}

/** The header of a run's log.csv: the base columns, then one per class for multi-class runs. */
export function logColumns(classes: number): string[] {
  const perClass = classes > 1 ? Array.from({ length: classes }, (_, k) => classIouColumn(k)) : []
  return [...LOG_COLUMNS, ...perClass]
}

/** Paths inside a run folder. */
export function runPaths(out: string) {
  return {
    config: join(out, 'config.json'),
    log: join(out, 'log.csv'),
    model: join(out, 'model'),
    last: join(out, 'last'),
    previews: join(out, 'previews')
  }
}

/** Write `config.json` atomically. */
export async function writeRunConfig(out: string, config: RunConfig): Promise<void> {
  await writeFileAtomic(runPaths(out).config, JSON.stringify(config, null, 2) + '\n')
}

/** Read `config.json` of a run folder (the target filled in for runs made before it). */
export async function readRunConfig(out: string): Promise<RunConfig> {
  const path = runPaths(out).config
  if (!existsSync(path)) throw new Error(`${path}: not a training run (config.json missing)`)
  let saved: RunConfig
  try {
    saved = JSON.parse(await readFile(path, 'utf8')) as RunConfig
  } catch (err) {
    throw new Error(`${path}: unreadable run config (${(err as Error).message})`)
  }
  if (saved.postprocess !== undefined) {
    const chosen = modelPostprocess.safeParse(saved.postprocess)
    const issue = chosen.error?.issues[0]
    if (issue) throw new Error(`${path}: postprocess.${issue.path.join('.')}: ${issue.message}`)
  }
  return { ...saved, ...targetOf(saved) }
}

const num = (v: number) => Number(v.toPrecision(6)).toString()

function formatRow(row: LogRow): string {
  const base = LOG_COLUMNS.map((k) => (k === 'epoch' ? String(row[k]) : num(row[k])))
  return [...base, ...(row.val_class_iou ?? []).map(num)].join(',')
}

/** Read `log.csv` rows (empty when absent); columns are found by the header's names. */
export async function readLog(out: string): Promise<LogRow[]> {
  const path = runPaths(out).log
  if (!existsSync(path)) return []
  const [head = '', ...lines] = (await readFile(path, 'utf8')).trim().split('\n')
  const names = head.split(',')
  const perClass = names.flatMap((n, i) => (/^val_iou_\d+$/.test(n) ? [i] : []))
  return lines.filter(Boolean).map((line) => {
    const cells = line.split(',').map(Number)
    const base = Object.fromEntries(
      LOG_COLUMNS.map((k) => [k, cells[names.indexOf(k)] ?? NaN])
    ) as Record<(typeof LOG_COLUMNS)[number], number>
    const row: LogRow = { ...base }
    if (perClass.length) row.val_class_iou = perClass.map((i) => cells[i])
    return row
  })
}

/** Rewrite `log.csv` with the given rows (header for `classes` included), atomically. */
export async function writeLog(out: string, rows: LogRow[], classes = 1): Promise<void> {
  const text = [logColumns(classes).join(','), ...rows.map(formatRow)].join('\n') + '\n'
  await writeFileAtomic(runPaths(out).log, text)
}

/** Append one epoch row to `log.csv`, flushed to disk. */
export async function appendLog(out: string, row: LogRow): Promise<void> {
  await appendFileSynced(runPaths(out).log, formatRow(row) + '\n')
}

/**
 * The folder a run's weights load from: the best model (`model/`), else the last checkpoint,
 * else a model.json beside config.json (a model folder); null when there is none yet.
 */
export function weightsDirOf(runDir: string): string | null {
  const paths = runPaths(runDir)
  return [paths.model, paths.last, runDir].find((d) => existsSync(join(d, 'model.json'))) ?? null
}

/** Like {@link weightsDirOf}, but an error naming the run when it has no weights yet. */
export function modelWeightsDir(runDir: string): string {
  const dir = weightsDirOf(runDir)
  if (!dir) throw new Error(`${runDir}: no model/ or last/ checkpoint yet`)
  return dir
}

/**
 * Open a run for prediction: its config and the best model (`model/`), or the last checkpoint's
 * final output when no best model was written yet, or a model.json beside config.json (shipped
 * models). The caller disposes the model.
 */
export async function loadRun(
  runDir: string
): Promise<{ model: tf.LayersModel; config: RunConfig }> {
  const config = await readRunConfig(runDir)
  const full = await loadModel(modelWeightsDir(runDir))
  return { model: inferenceView(full), config }
}
