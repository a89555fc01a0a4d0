import { initBackend, type BackendReport } from '../backend/init-backend'
import { loadCheckpoint, type CheckpointState } from './checkpoint'
import type { TrainConfigInput, TrainResumeInput } from '../config'
import type { LossOptions } from './losses'
import { createModel } from '../models'
import { createOptimizer } from './optimizer'
import { Prng } from '../prng'
import { readLog, runPaths, writeLog, writeRunConfig } from '../run-store'
import { bestModelEpoch, saveBestModel } from './best-model'
import { initialSchedule } from './lr-schedule'
import { medianFrequencyWeights } from '../metrics'
import type { tf } from '../backend/tf'
import { runEpochs } from './train-loop'
import { loadSplit, prepareRun, type PreparedRun } from './train-setup'
import { copyInitWeights } from './init-weights'
import { openInitModel } from './init-settings'
import { INSTANCE_PLANES } from '../targets/instance-target'
import { outputChannels } from '../targets/target-kind'
import type { TrainCallbacks, TrainSummary } from './train-types'

export type { EpochInfo, StepInfo, TrainCallbacks, TrainSummary } from './train-types'
export type { Preview } from './validation'

/** Plane 0 (the boundary classes) of instance target planes. */
function classPlane(target: Float32Array): Uint8Array {
  const out = new Uint8Array(target.length / INSTANCE_PLANES)
  for (let i = 0; i < out.length; i++) out[i] = target[i * INSTANCE_PLANES]
  return out
}

/** Who trains when the caller does not say: the command line. */
export const CLI_JOB_ID = 'cli'

/**
 * Train (or resume) a run into `config.out`: config.json, log.csv, model/ (best), last/. The run
 * folder is locked for `opts.jobId` while it trains (a `RunLockedError` when another job does).
 */
export async function trainRun(
  input: TrainConfigInput | TrainResumeInput,
  cb: TrainCallbacks = {},
  opts: { resume?: boolean; jobId?: string } = {}
): Promise<TrainSummary> {
  const log = cb.onLog ?? (() => undefined)
  const backend = await initBackend(input.backend)
  cb.onBackend?.(backend)
  const jobId = opts.jobId ?? CLI_JOB_ID
  const { lock, ...run } = await prepareRun(input, opts.resume ?? false, log, jobId)
  try {
    return await trainPrepared(run, backend, cb)
  } finally {
    await lock.release()
  }
}

/** Trains a prepared (locked) run. */
async function trainPrepared(
  { config, samples, start }: Omit<PreparedRun, 'lock'>,
  backend: BackendReport,
  cb: TrainCallbacks
): Promise<TrainSummary> {
  const log = cb.onLog ?? (() => undefined)
  const paths = runPaths(config.out)
  const data = await loadSplit(config, samples, log)
  log(
    `${data.train.length} training and ${data.val.length} validation images, ${config.channels} channel(s)`
  )
  const instances = config.target === 'instances'
  if (start === 'new') {
    if (config.autoClassWeights && !config.classWeights) {
      const threeClass = instances && config.separation !== 'distance'
      config.classWeights = medianFrequencyWeights(
        data.train.map((s) => (threeClass ? classPlane(s.target!) : s.label)),
        threeClass ? 3 : Math.max(2, config.classes),
        config.ignoreIndex
      )
      log(
        `class weights (median frequency): ${config.classWeights.map((w) => w.toFixed(3)).join(', ')}`
      )
    }
    await writeRunConfig(config.out, config)
  }
  const lossOpts: LossOptions = {
    loss: config.loss,
    classes: config.classes,
    classWeights: config.classWeights,
    ignoreIndex: config.ignoreIndex,
    focalGamma: config.focalGamma,
    instances: instances
      ? { separation: config.separation, classWeights: config.classWeights }
      : undefined
  }
  const optimizer = createOptimizer(config.optimizer, config.lr, config.momentum)
  let model: tf.LayersModel
  let state: CheckpointState = {
    epoch: 0,
    prng: new Prng(config.seed).state(),
    schedule: initialSchedule(config),
    bestValIou: -1,
    bestValDice: -1,
    seconds: 0,
    savedAt: ''
  }
  if (start === 'checkpoint') {
    const ck = await loadCheckpoint(paths.last)
    model = ck.model
    state = ck.state
    await ck.restoreOptimizer(optimizer)
    const seen = new Set<number>()
    const rows = (await readLog(config.out)).filter(
      (r) => r.epoch <= state.epoch && !seen.has(r.epoch) && seen.add(r.epoch)
    )
    await writeLog(config.out, rows, config.classes)
    log(`resuming after epoch ${state.epoch}`)
    const best = state.schedule.bestEpoch
    if (
      !state.partial &&
      best > 0 &&
      best === state.epoch &&
      bestModelEpoch(paths.model) !== best
    ) {
      await saveBestModel(model, paths.model, state)
      log(`resume: model/ now holds the best epoch ${best} (its save was cut short)`)
    }
  } else {
    model = createModel({ ...config, classes: outputChannels(config), seed: config.seed })
    await writeLog(config.out, [], config.classes)
    if (config.init) {
      const copy = await copyInitWeights(model, await openInitModel(config.init)).catch((err) => {
        model.dispose()
        optimizer.dispose()
        throw err
      })
      const fresh = copy.fresh ? `, ${copy.fresh} new layers initialised` : ''
      log(`fine-tuning from ${config.init}: ${copy.copied} layers' weights loaded${fresh}`)
    }
  }
  try {
    return await runEpochs(config, model, optimizer, state, data, lossOpts, backend, cb)
  } finally {
    model.dispose()
    optimizer.dispose()
  }
}
