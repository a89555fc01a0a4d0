/** Training: options, the running job, per-epoch and per-step chart points, previews. */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { reactive, ref, shallowRef } from 'vue'
import { client, errorText, useAppStore } from './app'
import type { EpochInfo, RunInfo } from '../../../src-preload/contract'
import { watchJob, type JobEnd, type JobMessage } from './jobs'

/** Training options as the panel edits them. */
export interface TrainOptions {
  arch: 'unet' | 'unetpp'
  size: number
  base: number
  depth: number
  epochs: number
  patches: number
  batch: number
  lr: number
  loss: 'bce' | 'dice' | 'bce-dice' | 'focal'
  val: number
  seed: number
}

/** Defaults shown in the Train panel. */
export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  arch: 'unet',
  size: 96,
  base: 16,
  depth: 4,
  epochs: 40,
  patches: 4,
  batch: 8,
  lr: 1e-3,
  loss: 'bce-dice',
  val: 0.2,
  seed: 41
}

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

/** A validation preview (pixels arrive as base64, arrays or index-keyed objects). */
export interface PreviewItem {
  id: string
  width: number
  height: number
  channels: number
  image: unknown
  label: unknown
  pred: unknown
}

/** The training store. */
export const useTrainingStore = defineStore('training', () => {
  const options = reactive<TrainOptions>({ ...DEFAULT_TRAIN_OPTIONS })
  const data = ref<string | null>(null)
  const jobId = ref<string | null>(null)
  const runDir = ref<string | null>(null)
  const state = ref<'idle' | 'starting' | 'running' | 'stopping' | 'done' | 'stopped' | 'failed'>(
    'idle'
  )
  const epochs = ref<EpochInfo[]>([])
  const steps = ref<StepPoint[]>([])
  const status = ref<StepStatus | null>(null)
  const previews = shallowRef<PreviewItem[]>([])
  const previewEpoch = ref<number | null>(null)
  const logs = ref<string[]>([])
  const error = ref<string | null>(null)
  const result = ref<Record<string, unknown> | null>(null)
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

  /** Applies one worker message to the charts and status. */
  function handle(msg: JobMessage): void {
    if (state.value === 'starting') state.value = 'running'
    if (msg.type === 'step') {
      const s = msg as unknown as StepStatus & { loss: number }
      const x = s.epoch - 1 + s.step / Math.max(1, s.steps)
      if ((steps.value.at(-1)?.x ?? -1) >= x) steps.value = steps.value.filter((p) => p.x < x)
      steps.value.push({ x, loss: s.loss })
      status.value = {
        epoch: s.epoch,
        step: s.step,
        steps: s.steps,
        imagesPerSec: s.imagesPerSec,
        etaSeconds: s.etaSeconds
      }
    } else if (msg.type === 'epoch') {
      const e = msg as unknown as EpochInfo
      if ((epochs.value.at(-1)?.epoch ?? 0) >= e.epoch)
        epochs.value = epochs.value.filter((p) => p.epoch < e.epoch)
      epochs.value.push({
        epoch: e.epoch,
        epochs: e.epochs,
        lr: e.lr,
        loss: e.loss,
        iou: e.iou,
        dice: e.dice,
        valLoss: e.valLoss,
        valIou: e.valIou,
        valDice: e.valDice,
        seconds: e.seconds,
        best: e.best,
        etaSeconds: e.etaSeconds
      })
    } else if (msg.type === 'preview') {
      previews.value = (msg.previews as PreviewItem[]) ?? []
      previewEpoch.value = (msg.epoch as number) ?? null
    } else if (msg.type === 'log') {
      const text = String(msg.message)
      logs.value = [...logs.value.slice(-199), text]
      const m = /backend\s+(\S+)/.exec(text)
      if (m) useAppStore().backend = m[1]
    }
  }

  function end(e: JobEnd): void {
    result.value = (e.result as Record<string, unknown>) ?? null
    const backend = (result.value?.backend as { name?: string } | undefined)?.name
    if (backend) useAppStore().backend = backend
    if (!e.ok) {
      state.value = 'failed'
      error.value = e.error ?? 'Training failed'
    } else state.value = result.value?.stopped ? 'stopped' : 'done'
    jobId.value = null
  }

  watchJob(() => jobId.value, { message: handle, end })

  async function start(dir: string): Promise<void> {
    reset()
    data.value = dir
    state.value = 'starting'
    try {
      const r = await client().call('train:start', {
        data: dir,
        ...options
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
    epochs.value = run.log.map((r) => ({
      epoch: r.epoch,
      epochs: total,
      lr: r.lr,
      loss: r.loss,
      iou: r.iou,
      dice: r.dice,
      valLoss: r.val_loss,
      valIou: r.val_iou,
      valDice: r.val_dice,
      seconds: r.seconds,
      best: false,
      etaSeconds: 0
    }))
    state.value = run.log.length >= total ? 'done' : 'stopped'
  }

  async function loadRuns(root: string): Promise<void> {
    try {
      runs.value = await client().call('train:runs', { root })
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
    end,
    start,
    stop,
    resume,
    loadRuns,
    showRun,
    reset
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useTrainingStore, import.meta.hot))
