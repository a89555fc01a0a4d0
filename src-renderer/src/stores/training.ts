/** Training: options, the running job, per-epoch and per-step chart points, previews. */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { reactive, ref, shallowRef, toRaw } from 'vue'
import { client, errorText, useAppStore } from './app'
import type {
  EpochInfo,
  JobEvent,
  PreviewImage,
  RunInfo,
  TrainResult
} from '../../../src-preload/contract'
import { backendLine } from '../../../src-preload/options/backend'
import { TRAIN_DEFAULTS, type TrainConfig } from '../../../src-preload/options/train'
import { watchJob } from './jobs'

/** Training options as the panel edits them: every option but the dataset and run folders. */
export type TrainOptions = Omit<TrainConfig, 'data' | 'out'>

/** The panel's defaults: the training options' own. */
export const DEFAULT_TRAIN_OPTIONS: Readonly<TrainOptions> = TRAIN_DEFAULTS

/** One step point: x is the fractional epoch. */
export interface StepPoint {
  x: number
  loss: number
}

/** Latest step figures. */
export interface StepStatus {
  epoch: number
  step: number
  steps: number
  imagesPerSec: number
  etaSeconds: number
}

/** The training store. */
export const useTrainingStore = defineStore('training', () => {
  const options = reactive<TrainOptions>(structuredClone(DEFAULT_TRAIN_OPTIONS))
  const data = ref<string | null>(null)
  const jobId = ref<string | null>(null)
  const runDir = ref<string | null>(null)
  const state = ref<'idle' | 'starting' | 'running' | 'stopping' | 'done' | 'stopped' | 'failed'>(
    'idle'
  )
  const epochs = ref<EpochInfo[]>([])
  const steps = ref<StepPoint[]>([])
  const status = ref<StepStatus | null>(null)
  const previews = shallowRef<PreviewImage[]>([])
  const previewEpoch = ref<number | null>(null)
  const logs = ref<string[]>([])
  const error = ref<string | null>(null)
  const result = ref<TrainResult | null>(null)
  const runs = ref<RunInfo[]>([])

  function reset(): void {
    epochs.value = []
    steps.value = []
    status.value = null
    previews.value = []
    previewEpoch.value = null
    logs.value = []
    error.value = null
    result.value = null
  }

  /** Applies one event of the training job to the charts, status, previews and log. */
  function handle(event: JobEvent): void {
    if (state.value === 'starting') state.value = 'running'
    switch (event.type) {
      case 'step': {
        const x = event.epoch - 1 + event.step / Math.max(1, event.steps)
        if ((steps.value.at(-1)?.x ?? -1) >= x) steps.value = steps.value.filter((p) => p.x < x)
        steps.value.push({ x, loss: event.loss })
        status.value = {
          epoch: event.epoch,
          step: event.step,
          steps: event.steps,
          imagesPerSec: event.imagesPerSec,
          etaSeconds: event.etaSeconds
        }
        break
      }
      case 'epoch': {
        const info: EpochInfo = { ...event }
        if ((epochs.value.at(-1)?.epoch ?? 0) >= info.epoch)
          epochs.value = epochs.value.filter((p) => p.epoch < info.epoch)
        epochs.value.push(info)
        break
      }
      case 'preview':
        previews.value = event.previews
        previewEpoch.value = event.epoch
        break
      case 'backend':
        useAppStore().setBackend(event)
        addLog(backendLine(event))
        break
      case 'log':
        addLog(event.message)
        break
      case 'done':
        if (event.result.kind === 'train') finish(event.result)
        break
      case 'error':
        fail(event.message)
        break
    }
  }

  function addLog(line: string): void {
    logs.value = [...logs.value.slice(-199), line]
  }

  function finish(r: TrainResult): void {
    result.value = r
    useAppStore().setBackend(r.backend)
    state.value = r.stopped ? 'stopped' : 'done'
    jobId.value = null
  }

  function fail(message: string): void {
    state.value = 'failed'
    error.value = message
    jobId.value = null
  }

  watchJob(() => jobId.value, handle)

  async function start(dir: string): Promise<void> {
    reset()
    data.value = dir
    state.value = 'starting'
    try {
      const r = await client().call('train:start', {
        data: dir,
        ...structuredClone(toRaw(options))
      })
      jobId.value = r.jobId
      runDir.value = r.runDir
    } catch (err) {
      state.value = 'failed'
      error.value = errorText(err)
    }
  }

  async function stop(): Promise<void> {
    if (!jobId.value) return
    state.value = 'stopping'
    await client().call('train:stop', { jobId: jobId.value })
  }

  async function resume(): Promise<void> {
    if (!runDir.value) return
    error.value = null
    state.value = 'starting'
    try {
      const r = await client().call('train:resume', { runDir: runDir.value })
      jobId.value = r.jobId
    } catch (err) {
      state.value = 'failed'
      error.value = errorText(err)
    }
  }

  /** Shows a past run: its log rows become the chart points; Resume continues it. */
  function showRun(run: RunInfo): void {
    reset()
    runDir.value = run.runDir
    const total = Number(run.config.epochs) || run.log.length
    const figure = (v: number | null) => (v === null || Number.isNaN(v) ? null : v)
    epochs.value = run.log.map((r) => ({
      epoch: r.epoch,
      epochs: total,
      lr: r.lr,
      loss: r.loss,
      iou: r.iou,
      dice: r.dice,
      valLoss: figure(r.val_loss),
      valIou: figure(r.val_iou),
      valDice: figure(r.val_dice),
      seconds: r.seconds,
      best: false,
      etaSeconds: 0
    }))
    state.value = run.log.length >= total ? 'done' : 'stopped'
  }

  /**
   * Points training at a newly opened dataset and forgets the previous one's run, charts and run
   * list; a job still running keeps its panel until it ends.
   */
  function switchDataset(root: string): void {
    if (['starting', 'running', 'stopping'].includes(state.value)) return
    reset()
    data.value = root
    runDir.value = null
    state.value = 'idle'
    runs.value = []
    void loadRuns(root)
  }

  async function loadRuns(root: string): Promise<void> {
    try {
      const list = await client().call('train:runs', { root })
      if (data.value === root || data.value === null) runs.value = list
    } catch {
      runs.value = []
    }
  }

  return {
    options,
    data,
    jobId,
    runDir,
    state,
    epochs,
    steps,
    status,
    previews,
    previewEpoch,
    logs,
    error,
    result,
    runs,
    handle,
    start,
    stop,
    resume,
    loadRuns,
    showRun,
    reset,
    switchDataset
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useTrainingStore, import.meta.hot))
