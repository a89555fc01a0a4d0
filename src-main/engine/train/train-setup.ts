import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { scanDataset, type Sample } from '../../data/dataset'
import { editedLabelPath } from '../../data/label-store'
import { RUN_FORMAT_VERSION } from '../constants'
import {
  validateConfig,
  type RunConfig,
  type TrainConfig,
  type TrainConfigInput,
  type TrainResumeInput
} from '../config'
import { acquireRunLock, type RunLock } from './run-lock'
import { hasCheckpoint } from './checkpoint'
import { readRunConfig, runPaths, writeLog, writeRunConfig, readLog } from '../run-store'
import { loadSample, probeChannels, type LoadedSample } from './samples'
import { splitIds } from './data-split'

/** Say in words what the foreground is, for config.json. */
function describeForeground(cfg: { classes: number; invertMask: boolean }): string {
  if (cfg.classes > 1) return `class indices 0..${cfg.classes - 1} from the label image`
  return cfg.invertMask
    ? 'dark (zero) mask pixels, e.g. ISBI membranes (mask inverted)'
    : 'non-zero mask pixels (union of instance masks)'
}

/**
 * Takes the run folder's lock for `jobId` (saying when it replaced a dead trainer's), then does
 * `work`; the lock is released if `work` fails, else handed to the caller with its result.
 */
async function underLock<T>(
  out: string,
  jobId: string,
  log: (msg: string) => void,
  work: () => Promise<T>
): Promise<T & { lock: RunLock }> {
  const lock = await acquireRunLock(out, jobId)
  const dead = lock.takenOver
  if (dead) log(`took over the lock of job ${dead.jobId} (pid ${dead.pid}), which no longer runs`)
  try {
    return { ...(await work()), lock }
  } catch (err) {
    await lock.release()
    throw err
  }
}

/**
 * Create a new run folder (config.json with the seeded split, log.csv header) or reopen one, and
 * take its lock for `jobId` before writing anything (a {@link RunLockedError} when another job
 * trains it). The caller releases the lock.
 */
export async function prepareRun(
  input: TrainConfigInput | TrainResumeInput,
  resume: boolean,
  log: (msg: string) => void,
  jobId: string
): Promise<{ config: RunConfig; samples: Sample[]; resumed: boolean; lock: RunLock }> {
  const paths = runPaths(input.out)
  if (resume && hasCheckpoint(paths.last))
    return underLock(input.out, jobId, log, () => reopenRun(input, log))
  if (resume) log(`resume: no complete checkpoint in ${paths.last}, starting a new run`)
  const cfg = validateConfig(input)
  const scan = await scanDataset(cfg.data)
  for (const p of scan.problems) log(`skipped ${p.file}: ${p.reason}`)
  const labelled = (s: Sample) =>
    s.maskPath || s.instanceMaskPaths?.length || existsSync(editedLabelPath(cfg.data, s.id))
  let samples = scan.samples.filter(labelled)
  samples.sort((a, b) => a.id.localeCompare(b.id))
  if (cfg.limit > 0) samples = samples.slice(0, cfg.limit)
  if (samples.length < 2)
    throw new Error(`${cfg.data}: need at least 2 labelled images, found ${samples.length}`)
  await mkdir(cfg.out, { recursive: true })
  return underLock(cfg.out, jobId, log, () => newRun(cfg, samples, resume))
}

/** Reopens a run with a checkpoint: its saved config (more epochs or another backend allowed). */
async function reopenRun(
  input: TrainConfigInput | TrainResumeInput,
  log: (msg: string) => void
): Promise<{ config: RunConfig; samples: Sample[]; resumed: true }> {
  const saved = await readRunConfig(input.out)
  const config: RunConfig = {
    ...saved,
    epochs: input.epochs ?? saved.epochs,
    backend: input.backend ?? saved.backend
  }
  if (input.data && input.data !== saved.data) log(`resume: using the run's dataset ${saved.data}`)
  const scan = await scanDataset(saved.data)
  await writeRunConfig(input.out, config)
  return { config, samples: scan.samples, resumed: true }
}

/** Writes a new run's config.json (with the seeded split) and log.csv header. */
async function newRun(
  cfg: TrainConfig,
  samples: Sample[],
  resume: boolean
): Promise<{ config: RunConfig; samples: Sample[]; resumed: false }> {
  const split = splitIds(
    samples.map((s) => s.id),
    cfg.val,
    cfg.seed,
    cfg.splitMode
  )
  const config: RunConfig = {
    ...cfg,
    version: RUN_FORMAT_VERSION,
    channels: await probeChannels(samples[0]),
    output: 'logits',
    normalization: 'per-image-standardize',
    foreground: describeForeground(cfg),
    split,
    createdAt: new Date().toISOString()
  }
  await writeRunConfig(cfg.out, config)
  if (!resume || (await readLog(cfg.out)).length === 0) await writeLog(cfg.out, [])
  return { config, samples, resumed: false }
}

/** Load the split's images into memory; bad samples are reported and left out. */
export async function loadSplit(
  config: RunConfig,
  samples: Sample[],
  log: (msg: string) => void
): Promise<{ train: LoadedSample[]; val: LoadedSample[] }> {
  const byId = new Map(samples.map((s) => [s.id, s]))
  const opts = {
    root: config.data,
    channels: config.channels,
    classes: config.classes,
    invertMask: config.invertMask,
    size: config.size,
    resize: config.resize
  }
  const load = async (ids: string[]) => {
    const out: LoadedSample[] = []
    for (const id of ids) {
      const s = byId.get(id)
      if (!s) {
        log(`sample ${id} of the saved split is missing from ${config.data}`)
        continue
      }
      try {
        out.push(await loadSample(s, opts))
      } catch (err) {
        log(`skipped ${id}: ${(err as Error).message}`)
      }
    }
    return out
  }
  const train = await load(config.split.train)
  const val = await load(config.split.val)
  if (train.length === 0) throw new Error('no usable training images')
  return { train, val }
}
