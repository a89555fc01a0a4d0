import { readFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { appendFileSynced, writeFileAtomic } from '../data/atomic-write'
import type { RunConfig } from './config'
import { loadModel } from './models/model-io'
import { inferenceView } from './models'
import type { tf } from './backend/tf'

/** Column order of `log.csv`. */
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

/** One epoch row of `log.csv`. */
export type LogRow = Record<(typeof LOG_COLUMNS)[number], number>

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

/** Read `config.json` of a run folder. */
export async function readRunConfig(out: string): Promise<RunConfig> {
  const path = runPaths(out).config
  if (!existsSync(path)) throw new Error(`${path}: not a training run (config.json missing)`)
  try {
    return JSON.parse(await readFile(path, 'utf8')) as RunConfig
  } catch (err) {
    throw new Error(`${path}: unreadable run config (${(err as Error).message})`)
  }
}

function formatRow(row: LogRow): string {
  return LOG_COLUMNS.map((k) =>
    k === 'epoch' ? String(row[k]) : Number(row[k].toPrecision(6)).toString()
  ).join(',')
}

/** Read `log.csv` rows (empty when absent). */
export async function readLog(out: string): Promise<LogRow[]> {
  const path = runPaths(out).log
  if (!existsSync(path)) return []
  const lines = (await readFile(path, 'utf8')).trim().split('\n').slice(1).filter(Boolean)
  return lines.map((line) => {
    const cells = line.split(',').map(Number)
    return Object.fromEntries(LOG_COLUMNS.map((k, i) => [k, cells[i]])) as LogRow
  })
}

/** Rewrite `log.csv` with the given rows (header included), atomically. */
export async function writeLog(out: string, rows: LogRow[]): Promise<void> {
  const text = [LOG_COLUMNS.join(','), ...rows.map(formatRow)].join('\n') + '\n'
  await writeFileAtomic(runPaths(out).log, text)
}

/** Append one epoch row to `log.csv`, flushed to disk. */
export async function appendLog(out: string, row: LogRow): Promise<void> {
  await appendFileSynced(runPaths(out).log, formatRow(row) + '\n')
}

/**
 * Open a run for prediction: its config and the best model (`model/`), or the last checkpoint's
 * final output when no best model was written yet. The caller disposes the model.
 */
export async function loadRun(
  runDir: string
): Promise<{ model: tf.LayersModel; config: RunConfig }> {
  const config = await readRunConfig(runDir)
  const paths = runPaths(runDir)
  const dir = existsSync(join(paths.model, 'model.json')) ? paths.model : paths.last
  if (!existsSync(join(dir, 'model.json')))
    throw new Error(`${runDir}: no model/ or last/ checkpoint yet`)
  const full = await loadModel(dir)
  return { model: inferenceView(full), config }
}
