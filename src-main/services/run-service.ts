/** Training runs and prediction outputs as the UI lists them. */
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { extname, join, resolve } from 'node:path'
import type { PredictedImage, RunInfo, RunTrainer } from '../../src-preload/contract'
import { readLog, readRunConfig, runPaths } from '../engine/run-store'
import { hasCheckpoint } from '../engine/train/checkpoint-files'
import { runLockHolder } from '../engine/train/run-lock'

/** Where the UI puts run folders of a dataset. */
export function runsDir(root: string): string {
  return join(resolve(root), '.unet-studio', 'runs')
}

/** A new run folder name: the local time, sortable (`2026-11-21T07-03-01`). */
export function runStamp(date = new Date()): string {
  const iso = new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString()
  return iso.slice(0, 19).replaceAll(':', '-')
}

/** Who trains a run folder now: a job of this app (`here`), or another process's lock, or null. */
export type TrainerOf = (runDir: string) => RunTrainer | null

/** The trainer of a run as its lock file says (any process), for {@link TrainerOf}. */
export function lockTrainer(runDir: string): RunTrainer | null {
  const holder = runLockHolder(runDir)
  return holder ? { ...holder, here: false } : null
}

/** One run folder's config, log, what it holds, and who trains it now. */
export async function readRunInfo(
  runDir: string,
  trainer: TrainerOf = lockTrainer
): Promise<RunInfo> {
  const paths = runPaths(runDir)
  return {
    runDir: resolve(runDir),
    config: { ...(await readRunConfig(runDir)) },
    log: await readLog(runDir),
    hasModel: existsSync(paths.model),
    hasCheckpoint: hasCheckpoint(paths.last),
    running: trainer(resolve(runDir))
  }
}

/** Every run under `<root>/.unet-studio/runs`, newest first; folders without config skipped. */
export async function listRuns(root: string, trainer: TrainerOf = lockTrainer): Promise<RunInfo[]> {
  const dir = runsDir(root)
  if (!existsSync(dir)) return []
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .reverse()
  const runs = await Promise.all(
    names.map((n) => readRunInfo(join(dir, n), trainer).catch(() => null))
  )
  return runs.filter((r): r is RunInfo => r !== null)
}

/** Splits one CSV line, honouring double-quoted fields. */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = []
  let cur = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"'
        i++
      } else if (c === '"') quoted = false
      else cur += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      cells.push(cur)
      cur = ''
    } else cur += c
  }
  cells.push(cur)
  return cells
}

function firstExisting(paths: string[]): string | undefined {
  return paths.find((p) => existsSync(p))
}

/** Rows of `<out>/counts.csv` with the mask, instance map and overlay present for each image. */
export async function readPredictResults(out: string): Promise<PredictedImage[]> {
  const file = join(resolve(out), 'counts.csv')
  if (!existsSync(file)) throw new Error(`${file}: no prediction results (counts.csv missing)`)
  const lines = (await readFile(file, 'utf8')).split(/\r?\n/).slice(1).filter(Boolean)
  return lines.map((line) => {
    const [image, width, height, objects, area] = splitCsvLine(line)
    const stem = image.slice(0, image.length - extname(image).length)
    const exts = (dir: string) => [join(out, dir, `${stem}.png`), join(out, dir, `${stem}.tif`)]
    const outputs: PredictedImage['outputs'] = {}
    const mask = firstExisting(exts('masks'))
    const instances = firstExisting(exts('instances'))
    const overlay = firstExisting([join(out, 'overlays', `${stem}.png`)])
    if (mask) outputs.mask = resolve(mask)
    if (instances) outputs.instances = resolve(instances)
    if (overlay) outputs.overlay = resolve(overlay)
    return {
      image,
      stem,
      width: Number(width),
      height: Number(height),
      objects: Number(objects),
      foregroundArea: Number(area),
      outputs
    }
  })
}
