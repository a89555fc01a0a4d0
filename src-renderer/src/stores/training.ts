/** Training: options, the running job, per-epoch and per-step chart points, previews. */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, reactive, ref, shallowRef, toRaw, watch } from 'vue'
import { client, errorText, useAppStore } from './app'
import type {
  EpochInfo,
  JobEvent,
  JobInfo,
  PreviewImage,
  RunInfo,
  TrainResult
} from '../../../src-preload/contract'
import { backendLine } from '../../../src-preload/options/backend'
import {
  INIT_DEFAULTED,
  INIT_INHERITED,
  TRAIN_DEFAULTS,
  type TrainConfig,
  type TrainFinetuneInput
} from '../../../src-preload/options/train'
import { recallForm, rememberForm } from '../lib/form-memory'
import { LOSS_NAMES, trainFormErrors } from '../lib/train-form-check'
import { registerFollower, watchJob } from './jobs'
import { useLibraryStore } from './library'
import { LABEL_TYPE_NAMES, useProjectStore } from './project'

/** Training options as the panel edits them: every option but the dataset and run folders. */
export type TrainOptions = Omit<TrainConfig, 'data' | 'out'>

/** The panel's defaults: the training options' own. */
export const DEFAULT_TRAIN_OPTIONS: Readonly<TrainOptions> = TRAIN_DEFAULTS

/**
 * The options a fine-tune sends: all but what it takes from its model (architecture, labels,
 * and what it learns: a form set to the learned instance target must not refuse a binary model).
 */
export function finetuneOptions(o: TrainOptions): Omit<TrainFinetuneInput, 'data' | 'init'> {
  const fromModel = new Set<string>([
    ...INIT_INHERITED,
    ...INIT_DEFAULTED,
    'init',
    'target',
    'separation'
  ])
  return Object.fromEntries(Object.entries(o).filter(([k]) => !fromModel.has(k)))
}

/** States in which a training job runs (or is about to). */
const BUSY = ['starting', 'running', 'stopping']

/** One step point: x is the fractional epoch. */
export interface StepPoint {
  x: number
  loss: number
}

/** Latest step figures; the ETA is null once the job has ended. */
export interface StepStatus {
  epoch: number
  step: number
  steps: number
  imagesPerSec: number
  etaSeconds: number | null
}

/** Losses for one output (sigmoid) and for several classes (softmax). */
export const BINARY_LOSSES = ['bce-dice', 'bce', 'dice', 'focal'] as const
/** Losses for several classes (softmax). */
export const MULTI_CLASS_LOSSES = ['ce', 'focal', 'dice'] as const

/** What the dataset's label type makes of a run: classes, ignored value, invert, allowed losses. */
export interface LabelSettings {
  classes: number
  ignoreIndex: number
  invertMask: boolean
  losses: readonly TrainOptions['loss'][]
  /** Why the dataset cannot be trained as it is set up, in words; null when it can. */
  problem: string | null
}

/** Name of the Train form in the per-dataset form memory. */
const FORM = 'train'
/** Options that follow the dataset's project instead of the form. */
type FromProject = 'classes' | 'ignoreIndex' | 'invertMask' | 'target'

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
  /** The shown run scores classes (multi-class: its figures are mean IoUs). */
  const multiClass = computed(() => epochs.value.some((e) => e.valClassIou?.length))
  const steps = ref<StepPoint[]>([])
  const status = ref<StepStatus | null>(null)
  const previews = shallowRef<PreviewImage[]>([])
  const previewEpoch = ref<number | null>(null)
  const logs = ref<string[]>([])
  const error = ref<string | null>(null)
  const result = ref<TrainResult | null>(null)
  const runs = ref<RunInfo[]>([])
  const project = useProjectStore()

  /** The run settings the dataset's project implies (binary / multi-class / instances). */
  const labels = computed<LabelSettings>(() => {
    const kind = project.labelType
    const invertMask = kind === 'binary' && project.invert
    const binary = { classes: 1, ignoreIndex: -1, invertMask, losses: BINARY_LOSSES, problem: null }
    if (kind !== 'classes') return binary
    const t = project.training
    if (!t.ok) return { ...binary, losses: MULTI_CLASS_LOSSES, problem: t.reason }
    return {
      classes: t.classes,
      ignoreIndex: t.ignoreIndex,
      invertMask: false,
      losses: MULTI_CLASS_LOSSES,
      problem: null
    }
  })
  /** Problems of the form's values, by field, in the form's words. */
  const formErrors = computed(() => trainFormErrors({ ...options, ...labelArgs() }))
  /** The form's problem with `field`, or '' (what a field shows under itself). */
  const fieldError = (field: string): string => formErrors.value[field] ?? ''
  /** Epochs done and planned of the run Resume continues, or null. */
  const resumeTarget = computed(() => {
    if (!runDir.value) return null
    const run = runs.value.find((r) => r.runDir === runDir.value)
    const done = epochs.value.at(-1)?.epoch ?? run?.log.length ?? 0
    const total = epochs.value.at(-1)?.epochs ?? Number(run?.config.epochs ?? 0)
    return { done, total }
  })

  function labelArgs(): Pick<TrainOptions, FromProject> {
    const l = labels.value
    // the learned instance target only for instance labels (a form remembered elsewhere may hold it)
    const target = project.labelType === 'instances' ? options.target : undefined
    return { classes: l.classes, ignoreIndex: l.ignoreIndex, invertMask: l.invertMask, target }
  }

  /** Keeps the loss one the label type allows (its first one otherwise). */
  function keepLossAllowed(): void {
    const losses = labels.value.losses
    if (!losses.includes(options.loss)) options.loss = losses[0]
  }
  watch(() => labels.value.losses, keepLossAllowed, { immediate: true })
  // The model lists follow runs, whichever panel is open: a new run while it trains, its model
  // once it ended, none if it failed.
  watch(state, (s) => {
    if (['running', 'done', 'stopped', 'failed'].includes(s)) void useLibraryStore().load()
  })
  watch(
    options,
    () => {
      if (data.value && !['starting', 'running', 'stopping'].includes(state.value))
        rememberForm(FORM, data.value, toRaw(options))
    },
    { deep: true }
  )

  /** The form as last used on dataset `root` (defaults for what was never set). */
  function recallOptions(root: string): void {
    const saved = recallForm<TrainOptions>(FORM, root) ?? {}
    const merged = { ...structuredClone(DEFAULT_TRAIN_OPTIONS), ...saved }
    merged.augment = { ...DEFAULT_TRAIN_OPTIONS.augment, ...(saved.augment ?? {}) }
    // optional, so absent from the defaults: the previous dataset's would otherwise stay
    merged.target = saved.target
    Object.assign(options, merged)
  }

  /**
   * Why training cannot start with this form and dataset, in words, or null: a field out of
   * range, a loss that does not fit the label type, fewer than two classes.
   */
  function startProblem(): string | null {
    const l = labels.value
    if (l.problem) return l.problem
    if (!l.losses.includes(options.loss)) {
      const kind = project.labelType ? LABEL_TYPE_NAMES[project.labelType] : 'binary'
      return `Loss ${LOSS_NAMES[options.loss]} does not fit ${kind.toLowerCase()} labels${l.classes > 1 ? ` (${l.classes} classes)` : ''}: choose ${l.losses.map((x) => LOSS_NAMES[x]).join(', ')}`
    }
    const errors = Object.values(formErrors.value)
    return errors.length ? errors.join('; ') : null
  }
  /** The model the shown run was fine-tuned from, if any. */
  const initFrom = ref<string | null>(null)
  /** The shown run's split sizes, when known (a resume keeps them). */
  const split = ref<{ train: number; val: number } | null>(null)
  /** The shown run is being trained by another process (not a job this page can follow). */
  const elsewhere = ref<string | null>(null)

  function reset(): void {
    epochs.value = []
    steps.value = []
    status.value = null
    previews.value = []
    previewEpoch.value = null
    logs.value = []
    error.value = null
    result.value = null
    initFrom.value = null
    split.value = null
    elsewhere.value = null
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
    clearEta()
    switchPending()
  }

  function fail(message: string): void {
    state.value = 'failed'
    error.value = message
    jobId.value = null
    clearEta()
    switchPending()
  }

  /** No time is left once a job ended (done, stopped or failed). */
  function clearEta(): void {
    if (status.value) status.value = { ...status.value, etaSeconds: null }
  }

  watchJob(() => jobId.value, handle)

  /** Shows a run's settings in the form (every option the form edits). */
  function showOptions(config: Partial<TrainConfig>): void {
    const form = options as Record<string, unknown>
    for (const [k, v] of Object.entries(config))
      if (k in DEFAULT_TRAIN_OPTIONS && v !== undefined && k !== 'init')
        form[k] = structuredClone(v)
  }

  /** Follows a training job that is running on the host, redrawing its recent events. */
  function attach(job: JobInfo): void {
    if (job.spec.kind !== 'train') return
    const o = job.spec.options
    if (!BUSY.includes(state.value) && data.value && data.value !== o.data) pending = data.value
    reset()
    jobId.value = job.jobId
    runDir.value = job.runDir
    if (o.data) data.value = o.data
    initFrom.value = 'init' in o ? (o.init ?? null) : null
    if (!job.spec.resume) showOptions(job.spec.options)
    state.value = 'running'
    for (const event of job.events) handle(event)
    const resumed = job.spec.resume
    if (data.value)
      void loadRuns(data.value).then(() => {
        const run = runs.value.find((r) => r.runDir === job.runDir)
        if (resumed && run) showOptions(run.config as Partial<TrainConfig>)
      })
  }

  /** The followed job ended while the connection was down: show its run as it is on disk. */
  async function lost(): Promise<void> {
    const dir = runDir.value
    jobId.value = null
    state.value = 'stopped'
    if (!data.value) return
    await loadRuns(data.value)
    const run = runs.value.find((r) => r.runDir === dir)
    if (run) showRun(run)
    switchPending()
  }

  registerFollower({
    kind: 'train',
    jobId: () => jobId.value,
    idle: () => !BUSY.includes(state.value),
    attach,
    lost: () => void lost()
  })

  async function start(dir: string): Promise<void> {
    reset()
    data.value = dir
    const problem = startProblem()
    if (problem) {
      state.value = 'failed'
      error.value = problem
      return
    }
    state.value = 'starting'
    try {
      const r = await client().call('train:start', {
        data: dir,
        ...structuredClone(toRaw(options)),
        ...labelArgs()
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

  /** Starts a new run on `dir` from the weights of the model `init` (a fresh split). */
  async function finetune(dir: string, init: string): Promise<void> {
    reset()
    data.value = dir
    initFrom.value = init
    state.value = 'starting'
    try {
      const r = await client().call('train:finetune', {
        data: dir,
        init,
        ...finetuneOptions(structuredClone(toRaw(options)))
      })
      jobId.value = r.jobId
      runDir.value = r.runDir
    } catch (err) {
      state.value = 'failed'
      error.value = errorText(err)
    }
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

  /**
   * Shows a run: a running job of this host is followed live; a past run's log rows become the
   * chart points, and Resume continues it (unless another process trains it).
   */
  function showRun(run: RunInfo): void {
    if (run.running?.here) {
      void follow(run.runDir)
      return
    }
    reset()
    runDir.value = run.runDir
    const cfg = run.config as { init?: unknown; split?: { train?: unknown[]; val?: unknown[] } }
    initFrom.value = typeof cfg.init === 'string' ? cfg.init : null
    if (cfg.split)
      split.value = { train: cfg.split.train?.length ?? 0, val: cfg.split.val?.length ?? 0 }
    elsewhere.value = run.running
      ? `job ${run.running.jobId} (pid ${run.running.pid} on ${run.running.host}) trains it`
      : null
    const total = Number(run.config.epochs) || run.log.length
    const figure = (v: number | null | undefined) =>
      v === null || v === undefined || Number.isNaN(v) ? null : v
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
      etaSeconds: 0,
      ...(r.val_class_iou ? { valClassIou: r.val_class_iou.map(figure) } : {})
    }))
    state.value = run.running ? 'running' : run.log.length >= total ? 'done' : 'stopped'
  }

  /** Follows the job of this host that trains `dir`, if there is one. */
  async function follow(dir: string): Promise<void> {
    const job = (await client().call('jobs:running', {})).find((j) => j.runDir === dir)
    if (job) attach(job)
  }

  /**
   * The dataset the panel goes to when the job it follows ends: one opened while the job ran, or
   * the one the panel was on when it took over a job (after a reload, or started by another client).
   */
  let pending: string | null = null

  function switchPending(): void {
    const root = pending
    pending = null
    if (root) switchDataset(root)
  }

  /**
   * Points training at a newly opened dataset and forgets the previous one's run, charts and run
   * list; a job still running keeps its panel until it ends, then the panel goes to that dataset.
   */
  function switchDataset(root: string): void {
    if (BUSY.includes(state.value)) {
      pending = root === data.value ? null : root
      return
    }
    pending = null
    reset()
    data.value = root
    recallOptions(root)
    // a switch made when a job ended finds the dataset's project read already: its losses apply now
    if (project.root === root && !project.loading) keepLossAllowed()
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
    multiClass,
    steps,
    status,
    previews,
    previewEpoch,
    logs,
    error,
    result,
    runs,
    initFrom,
    split,
    elsewhere,
    handle,
    attach,
    start,
    finetune,
    stop,
    resume,
    loadRuns,
    showRun,
    reset,
    switchDataset,
    labels,
    formErrors,
    fieldError,
    resumeTarget,
    startProblem
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useTrainingStore, import.meta.hot))
