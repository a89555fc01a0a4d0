/** Batch prediction and export: model run, folders, outputs, progress and per-image results. */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { reactive, ref } from 'vue'
import { client, errorText } from './app'
import type { PredictedImage } from '../../../src-preload/contract'
import { watchJob } from './jobs'
import { progressOf } from './merge'

/** What to write for each image. */
export interface ExportOptions {
  threshold: number
  minSize: number
  instances: boolean
  overlay: boolean
  csv: boolean
  format: 'png' | 'tiff'
}

/** Defaults shown in the Predict panel. */
export const DEFAULT_EXPORT_OPTIONS: ExportOptions = {
  threshold: 0.5,
  minSize: 10,
  instances: true,
  overlay: true,
  csv: true,
  format: 'png'
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
  const options = reactive<ExportOptions>({ ...DEFAULT_EXPORT_OPTIONS })
  const jobId = ref<string | null>(null)
  const state = ref<'idle' | 'running' | 'done' | 'cancelled' | 'failed'>('idle')
  const done = ref(0)
  const total = ref(0)
  const error = ref<string | null>(null)
  const summary = ref<Record<string, unknown> | null>(null)
  const results = ref<ResultRow[]>([])
  const overlays = ref<Record<string, string>>({})

  watchJob(() => jobId.value, {
    message(msg) {
      const p = progressOf(msg)
      if (p) {
        done.value = p.done
        total.value = p.total
      }
      if (msg.type === 'progress' && typeof msg.image === 'string')
        results.value = [
          ...results.value,
          { image: msg.image, objects: msg.objects as number, status: msg.status as string }
        ]
    },
    end(e) {
      jobId.value = null
      summary.value = (e.result as Record<string, unknown>) ?? null
      if (!e.ok) {
        state.value = 'failed'
        error.value = e.error ?? 'Prediction failed'
      } else {
        state.value = summary.value?.cancelled ? 'cancelled' : 'done'
        void loadResults()
      }
    }
  })

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
        runDir: runDir.value,
        input: input.value,
        out: out.value,
        ...options
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

  return {
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
