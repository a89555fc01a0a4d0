import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { removeStaleTemps } from '../../data/atomic-write'
import { scanDataset, type Sample } from '../../data/dataset'
import { editedLabelPath, readEffectiveLabel } from '../../data/label-store'
import { naturalCompare } from '../../data/natural-sort'
import { readProjectIfAny, seedProject } from '../../data/project'
import { RUN_FORMAT_VERSION } from '../constants'
import {
  validateConfig,
  type RunConfig,
  type TrainConfig,
  type TrainConfigInput,
  type TrainResumeInput
} from '../config'
import { acquireRunLock, assertRunFree, type RunLock } from './run-lock'
import { modelFolderProblem } from '../models/model-files'
import { recoverFolder } from '../models/model-io'
import { checkpointProblem } from './checkpoint-files'
import { checkInitFits, openInitModel, withInitSettings } from './init-settings'
import { readRunConfig, runPaths, writeRunConfig } from '../run-store'
import { checkLabelsFit } from './label-check'
import type { Target } from '../targets/target-kind'
import { loadSample, probeChannels, type LoadedSample } from './samples'
import { splitIds } from './data-split'

/** Say in words what the foreground is, for config.json. */
function describeForeground(cfg: { classes: number; invertMask: boolean; target: Target }): string {
  if (cfg.classes > 1) return `class indices 0..${cfg.classes - 1} from the label image`
  if (cfg.target === 'instances')
    return 'objects of the instance masks, each separated from the others'
  return cfg.invertMask
    ? 'dark (zero) mask pixels, e.g. ISBI membranes (mask inverted)'
    : 'non-zero mask pixels (union of instance masks)'
}

/**
 * The target when none is given: classes for --classes >= 2, else binary. Instance masks train
 * a binary foreground split by the distance watershed after prediction: on the DSB2018 recipe's
 * validation split it scored F1 0.73 against 0.68 for the instance target (bench/README.md).
 * Said in the log for instance masks, never silently.
 */
async function defaultTarget(
  cfg: TrainConfig,
  samples: Sample[],
  log: (msg: string) => void
): Promise<Target> {
  if (cfg.classes > 1) return 'classes'
  if (cfg.invertMask) return 'binary'
  const kind = (await readEffectiveLabel(cfg.data, samples[0]).catch(() => null))?.kind
  if (kind === 'instances')
    log(
      'target binary: the instance masks train their foreground, split after prediction; --target instances trains boundary and distance maps'
    )
  return 'binary'
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

/** Where a run starts: a new run, its last checkpoint, or its first epoch (no checkpoint yet). */
export type RunStart = 'new' | 'checkpoint' | 'first-epoch'

/** A prepared run: its config, samples, where it starts, and its lock (the caller releases it). */
export interface PreparedRun {
  config: RunConfig
  samples: Sample[]
  start: RunStart
  lock: RunLock
}

/**
 * Prepares a new run (its config with the seeded split; the caller writes it once complete) or
 * reopens an existing one for `resume`, taking the run folder's lock for `jobId` before writing
 * anything (a {@link RunLockedError} when another job trains it). A new run never goes over an
 * existing run folder.
 */
export async function prepareRun(
  input: TrainConfigInput | TrainResumeInput,
  resume: boolean,
  log: (msg: string) => void,
  jobId: string
): Promise<PreparedRun> {
  if (resume) {
    await readRunConfig(input.out)
    return underLock(input.out, jobId, log, () => reopenRun(input, log))
  }
  assertNoRun(input.out)
  const init = 'init' in input && input.init ? input.init : null
  const cfg = validateConfig(init ? await withInitSettings({ ...input, init }) : input)
  const scan = await scanDataset(cfg.data)
  await checkLabelsFit(cfg, scan)
  for (const p of scan.problems) log(`skipped ${p.file}: ${p.reason}`)
  const labelled = (s: Sample) =>
    s.maskPath || s.instanceMaskPaths?.length || existsSync(editedLabelPath(cfg.data, s.id))
  let samples = scan.samples.filter(labelled)
  samples.sort((a, b) => naturalCompare(a.id, b.id))
  if (cfg.limit > 0) samples = samples.slice(0, cfg.limit)
  if (samples.length < 2)
    throw new Error(`${cfg.data}: need at least 2 labelled images, found ${samples.length}`)
  await mkdir(cfg.out, { recursive: true })
  return underLock(cfg.out, jobId, log, () => newRun(cfg, samples, log))
}

/** Refuses a folder that holds a run: the job training it is named when there is one. */
function assertNoRun(out: string): void {
  if (!existsSync(runPaths(out).config)) return
  assertRunFree(out)
  throw alreadyARun(out)
}

function alreadyARun(out: string): Error {
  return new Error(
    `${out} already holds a training run (config.json): resume it or choose another folder`
  )
}

/**
 * Reopens a run for resuming. `config.json` is never rewritten (except for an explicit new
 * epoch count); a checkpoint or best model cut short by a crash is restored first. With no
 * complete checkpoint the run restarts at its first epoch only when it has no best model yet;
 * otherwise resuming stops with a named error and `model/` is kept.
 */
async function reopenRun(
  input: TrainConfigInput | TrainResumeInput,
  log: (msg: string) => void
): Promise<Omit<PreparedRun, 'lock'>> {
  const paths = runPaths(input.out)
  const saved = await readRunConfig(input.out)
  for (const note of [
    await recoverFolder(paths.last, checkpointProblem),
    await recoverFolder(paths.model, modelFolderProblem)
  ])
    if (note) log(`resume: ${note}`)
  await removeStaleTemps(input.out)
  // the run is where it is now, even if its folder was moved since config.json was written
  const config: RunConfig = { ...saved, out: input.out, backend: input.backend ?? saved.backend }
  const problem = checkpointProblem(paths.last)
  if (problem !== null && existsSync(paths.model))
    throw new Error(
      `${input.out}: cannot resume, no complete checkpoint (${problem}); ` +
        'the best model in model/ is kept: start a new run to train further'
    )
  if (input.data && resolve(input.data) !== resolve(saved.data))
    log(`resume: using the run's dataset ${saved.data}`)
  const scan = await scanDataset(saved.data)
  if (input.epochs !== undefined && input.epochs !== saved.epochs) {
    config.epochs = input.epochs
    await writeRunConfig(input.out, { ...saved, epochs: input.epochs })
    log(`resume: epochs changed from ${saved.epochs} to ${input.epochs} in config.json`)
  }
  if (problem === null) return { config, samples: scan.samples, start: 'checkpoint' }
  log(`resume: no checkpoint yet (${problem}), training from the first epoch with the saved split`)
  return { config, samples: scan.samples, start: 'first-epoch' }
}

/** A new run's config (with the seeded split); the trainer writes it once complete. */
async function newRun(
  cfg: TrainConfig,
  samples: Sample[],
  log: (msg: string) => void
): Promise<Omit<PreparedRun, 'lock'>> {
  // under the lock now: a run another process created meanwhile is still refused
  if (existsSync(runPaths(cfg.out).config)) throw alreadyARun(cfg.out)
  const split = splitIds(
    samples.map((s) => s.id),
    cfg.val,
    cfg.seed,
    cfg.splitMode
  )
  const target = cfg.target ?? (await defaultTarget(cfg, samples, log))
  const config: RunConfig = {
    ...cfg,
    target,
    version: RUN_FORMAT_VERSION,
    channels: await probeChannels(samples[0]),
    output: 'logits',
    normalization: cfg.polarity ? 'per-image-standardize-polarity' : 'per-image-standardize',
    foreground: describeForeground({ ...cfg, target }),
    split,
    createdAt: new Date().toISOString()
  }
  const project =
    (await readProjectIfAny(cfg.data)) ?? (await seedProject(cfg.data).catch(() => null))
  if (project) config.project = project
  if (cfg.init) {
    const init = await openInitModel(cfg.init)
    checkInitFits(config, init)
    config.initWeights = init.weightsDir
  }
  return { config, samples, start: 'new' }
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
    normalization: config.normalization,
    size: config.size,
    resize: config.resize,
    instances:
      config.target === 'instances'
        ? { w0: config.touchWeight, sigma: config.touchSigma, distanceCap: config.distanceCap }
        : undefined
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
