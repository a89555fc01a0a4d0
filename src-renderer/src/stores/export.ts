/** Batch prediction and export: model run, folders, outputs, progress and per-image results. */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, reactive, ref, toRaw } from 'vue'
import type {
  JobEvent,
  JobInfo,
  PredictedImage,
  PredictionRecord,
  PredictResult
} from '../../../src-preload/contract'
import {
  defaultPredictionsDir,
  PREDICT_DEFAULTS,
  type PredictOptions
} from '../../../src-preload/options/predict'
import { client, errorText, useAppStore } from './app'
import { registerFollower, watchJob } from './jobs'
import { useLibraryStore } from './library'

/** The prediction settings that are numbers with no default of their own (empty = the engine's). */
export type OptionalSetting =
  'threshold' | 'minSize' | 'minScore' | 'h' | 'seedLevel' | 'pixelSize' | 'scale' | 'tile'

/** What to write for each image, and how: every prediction option but the folders. */
export type ExportOptions = Omit<PredictOptions, 'model' | 'input' | 'out'>

/**
 * Defaults shown in the Predict panel: the prediction options' own, except that the app writes
 * instances, overlays and the measurements table unless told not to (it shows them; the CLI
 * writes them on request).
 */
export const DEFAULT_EXPORT_OPTIONS: Readonly<ExportOptions> = {
  ...PREDICT_DEFAULTS,
  instances: true,
  overlay: true,
  csv: true
}

/** One predicted image: live from progress messages, then the full row from `predict:results`. */
export interface ResultRow {
  image: string
  /** The image's file name without extension: its sample id in the input folder. */
  stem?: string
  objects?: number
  status?: string
  outputs?: PredictedImage['outputs']
}

/** The export store. */
export const useExportStore = defineStore('export', () => {
  /** The model predicting: the library's choice, shared with Evaluate. */
  const runDir = computed<string | null>({
    get: () => useLibraryStore().selected,
    set: (path) => useLibraryStore().choose(path)
  })
  const input = ref('')
  const out = ref('')
  const options = reactive<ExportOptions>(structuredClone(DEFAULT_EXPORT_OPTIONS))
  const jobId = ref<string | null>(null)
  const state = ref<'idle' | 'running' | 'done' | 'cancelled' | 'failed'>('idle')
  const done = ref(0)
  const total = ref(0)
  /** Share of the images done, in percent: none until the count is known, all once it ended done. */
  const percent = computed(() =>
    total.value ? Math.round((100 * done.value) / total.value) : state.value === 'done' ? 100 : 0
  )
  const error = ref<string | null>(null)
  const summary = ref<PredictResult | null>(null)
  const results = ref<ResultRow[]>([])
  /** Images the running or last prediction could not process, with the reason. */
  const failures = ref<{ image: string; reason: string }[]>([])
  const overlays = ref<Record<string, string>>({})
  /** The output was typed or chosen by the user (else it follows the input's default). */
  const outChosen = ref(false)
  /** The record of the predictions shown (which model, when), once known. */
  const record = ref<PredictionRecord | null>(null)

  function handle(event: JobEvent): void {
    switch (event.type) {
      case 'backend':
        useAppStore().setBackend(event)
        break
      case 'progress':
        done.value = Math.min(event.done, event.total)
        total.value = event.total
        results.value = [
          ...results.value,
          { image: event.item, objects: event.objects, status: event.status }
        ]
        if (event.status === 'failed')
          failures.value = [
            ...failures.value,
            { image: event.item, reason: event.reason ?? 'unknown reason' }
          ]
        break
      case 'done':
        if (event.result.kind !== 'predict') break
        jobId.value = null
        summary.value = event.result
        state.value = event.result.cancelled
          ? 'cancelled'
          : event.result.images > 0 && event.result.failed === event.result.images
            ? 'failed'
            : 'done'
        void loadResults()
        break
      case 'error':
        jobId.value = null
        state.value = 'failed'
        error.value = event.message
        break
    }
  }

  watchJob(() => jobId.value, handle)

  function clearResults(): void {
    error.value = null
    summary.value = null
    results.value = []
    failures.value = []
    overlays.value = {}
    done.value = 0
    total.value = 0
    record.value = null
  }

  /** Sets the input folder; the output follows as `<input>-predictions` unless one was chosen. */
  function setInput(path: string): void {
    input.value = path
    if (!outChosen.value) out.value = path ? defaultPredictionsDir(path) : ''
  }

  /** Sets the output folder the user typed or chose (`''`: back to the input's default). */
  function setOut(path: string): void {
    outChosen.value = path !== '' && path !== defaultPredictionsDir(input.value)
    out.value = path || defaultPredictionsDir(input.value)
  }

  /**
   * Shows the newest predictions made from `folder` (after a reload, or when a dataset opens):
   * their results, model and settings; nothing when there are none.
   */
  async function find(folder: string): Promise<void> {
    if (state.value === 'running') return
    try {
      const { found } = await client().call('predict:find', { input: folder })
      if (!found || input.value !== folder) return
      out.value = found.out
      outChosen.value = found.out !== defaultPredictionsDir(folder)
      record.value = found.record
      useLibraryStore().chooseIfNone(found.record.model.path)
      state.value = found.record.result?.cancelled ? 'cancelled' : 'done'
      await loadResults()
    } catch {
      /* nothing found is the same as no predictions yet */
    }
  }

  /** Follows a prediction job running on the host, redrawing the images it finished. */
  function attach(job: JobInfo): void {
    if (job.spec.kind !== 'predict') return
    clearResults()
    jobId.value = job.jobId
    runDir.value = job.spec.options.model
    input.value = job.spec.options.input
    out.value = job.spec.options.out
    outChosen.value = out.value !== defaultPredictionsDir(input.value)
    state.value = 'running'
    for (const event of job.events) handle(event)
  }

  registerFollower({
    kind: 'predict',
    jobId: () => jobId.value,
    idle: () => state.value !== 'running',
    attach,
    lost: () => {
      jobId.value = null
      state.value = 'done'
      void loadResults()
    }
  })

  /** Starts a prediction with `sent` (default: every option; the panel leaves out unused ones). */
  async function start(sent: ExportOptions = options): Promise<void> {
    if (!runDir.value || !input.value || !out.value) {
      error.value = 'Choose a model, an input folder and an output folder'
      return
    }
    const before = state.value
    state.value = 'running'
    error.value = null
    try {
      await client().call('folder:choose', { path: input.value, purpose: 'input' })
      if (outChosen.value)
        await client().call('folder:choose', {
          path: out.value,
          purpose: 'output',
          input: input.value
        })
      const r = await client().call('predict:start', {
        ...structuredClone(toRaw(sent)),
        model: runDir.value,
        input: input.value,
        out: out.value
      })
      clearResults()
      jobId.value = r.jobId
    } catch (err) {
      // refused before anything ran: the previous results stay, with the reason beside them
      state.value = before
      error.value = errorText(err)
    }
  }

  /** Sets an optional number from its field: empty (or not a number) leaves it to the default. */
  function setOptional(key: OptionalSetting, event: Event): void {
    const text = (event.target as HTMLInputElement).value.trim()
    const value = Number(text)
    if (text === '' || !Number.isFinite(value)) delete options[key]
    else options[key] = value
  }

  async function cancel(): Promise<void> {
    if (jobId.value) await client().call('job:cancel', { jobId: jobId.value })
  }

  async function loadResults(): Promise<void> {
    try {
      const list = await client().call('predict:results', { out: out.value })
      if (list.length > 0) results.value = list
      if (!record.value) {
        const { found } = await client().call('predict:find', { input: input.value })
        if (found?.out === out.value) record.value = found.record
      }
    } catch (err) {
      error.value = errorText(err)
    }
  }

  /** Fetches an overlay PNG once; it appears in `overlays`. */
  async function loadOverlay(path: string): Promise<void> {
    if (overlays.value[path]) return
    try {
      const r = await client().call('file:png', { path })
      overlays.value = { ...overlays.value, [path]: `data:image/png;base64,${r.png}` }
    } catch {
      /* a missing overlay shows as an empty cell */
    }
  }

  /**
   * Another dataset opened: its folder becomes the input (predictions beside it by default), the
   * previous dataset's results are forgotten and the newest predictions made from it, if any,
   * are shown (the model follows the library's choice for it). A running job keeps the panel.
   */
  function switchDataset(root: string): void {
    if (state.value === 'running') return
    outChosen.value = false
    setInput(root)
    state.value = 'idle'
    error.value = null
    summary.value = null
    record.value = null
    results.value = []
    overlays.value = {}
    done.value = 0
    total.value = 0
    void find(root)
  }

  return {
    switchDataset,
    setOptional,
    runDir,
    input,
    out,
    options,
    jobId,
    state,
    done,
    total,
    percent,
    error,
    summary,
    results,
    failures,
    overlays,
    outChosen,
    record,
    setInput,
    setOut,
    find,
    attach,
    start,
    cancel,
    loadResults,
    loadOverlay
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useExportStore, import.meta.hot))
