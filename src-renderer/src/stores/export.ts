/** Batch prediction and export: model run, folders, outputs, progress and per-image results. */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { reactive, ref, toRaw } from 'vue'
import type { JobEvent, PredictedImage, PredictResult } from '../../../src-preload/contract'
import { PREDICT_DEFAULTS, type PredictOptions } from '../../../src-preload/options/predict'
import { client, errorText, useAppStore } from './app'
import { watchJob } from './jobs'

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
  objects?: number
  status?: string
  outputs?: PredictedImage['outputs']
}

/** The export store. */
export const useExportStore = defineStore('export', () => {
  const runDir = ref<string | null>(null)
  const input = ref('')
  const out = ref('')
  const options = reactive<ExportOptions>(structuredClone(DEFAULT_EXPORT_OPTIONS))
  const jobId = ref<string | null>(null)
  const state = ref<'idle' | 'running' | 'done' | 'cancelled' | 'failed'>('idle')
  const done = ref(0)
  const total = ref(0)
  const error = ref<string | null>(null)
  const summary = ref<PredictResult | null>(null)
  const results = ref<ResultRow[]>([])
  const overlays = ref<Record<string, string>>({})

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
        break
      case 'done':
        if (event.result.kind !== 'predict') break
        jobId.value = null
        summary.value = event.result
        state.value = event.result.cancelled ? 'cancelled' : 'done'
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

  async function start(): Promise<void> {
    if (!runDir.value || !input.value || !out.value) {
      error.value = 'Choose a model run, an input folder and an output folder'
      return
    }
    state.value = 'running'
    error.value = null
    summary.value = null
    results.value = []
    overlays.value = {}
    done.value = 0
    total.value = 0
    try {
      const r = await client().call('predict:start', {
        ...structuredClone(toRaw(options)),
        model: runDir.value,
        input: input.value,
        out: out.value
      })
      jobId.value = r.jobId
    } catch (err) {
      state.value = 'failed'
      error.value = errorText(err)
    }
  }

  async function cancel(): Promise<void> {
    if (jobId.value) await client().call('job:cancel', { jobId: jobId.value })
  }

  async function loadResults(): Promise<void> {
    try {
      const list = await client().call('predict:results', { out: out.value })
      if (list.length > 0) results.value = list
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
   * Points prediction at a newly opened dataset (its images, its `.unet-studio/predictions`) and
   * forgets the previous dataset's model choice and results, unless a prediction is running.
   */
  function switchDataset(root: string, layout: string): void {
    if (state.value === 'running') return
    const base = root.replace(/\/+$/, '')
    input.value = layout === 'flat-pairs' ? `${base}/images` : base
    out.value = `${base}/.unet-studio/predictions`
    runDir.value = null
    state.value = 'idle'
    error.value = null
    summary.value = null
    results.value = []
    overlays.value = {}
    done.value = 0
    total.value = 0
  }

  return {
    switchDataset,
    runDir,
    input,
    out,
    options,
    jobId,
    state,
    done,
    total,
    error,
    summary,
    results,
    overlays,
    start,
    cancel,
    loadResults,
    loadOverlay
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useExportStore, import.meta.hot))
