/**
 * Choosing a trained model's post-processing on instance labels (the `tune` job): progress, the
 * settings chosen (saved in the model's config.json, so Predict shows them as the model's), and
 * the reason when it is refused.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import type { JobEvent, JobInfo, TuneResult } from '../../../src-preload/contract'
import { client, errorText } from './app'
import { registerFollower, watchJob } from './jobs'
import { useLibraryStore } from './library'

/** The tune store. */
export const useTuneStore = defineStore('tune', () => {
  const jobId = ref<string | null>(null)
  /** The model being (or last) tuned. */
  const model = ref<string | null>(null)
  const state = ref<'idle' | 'running' | 'done' | 'failed'>('idle')
  /** Cancel was asked for: the job stops after the image being scored. */
  const stopping = ref(false)
  const done = ref(0)
  const total = ref(0)
  const error = ref<string | null>(null)
  /** The last choice made (kept while a new tuning runs, and when that one is cancelled). */
  const result = ref<TuneResult | null>(null)
  /** How a cancelled tuning ended (not an error: the user asked for it). */
  const notice = ref<string | null>(null)

  function handle(event: JobEvent): void {
    if (event.type === 'progress') {
      done.value = event.done
      total.value = event.total
    } else if (event.type === 'done' && event.result.kind === 'tune') {
      jobId.value = null
      stopping.value = false
      result.value = event.result
      state.value = 'done'
      // the library lists each model's chosen post-processing: Predict shows the new one
      void useLibraryStore().load()
    } else if (event.type === 'error') {
      jobId.value = null
      state.value = stopping.value ? 'idle' : 'failed'
      if (stopping.value) notice.value = event.message
      else error.value = event.message
      stopping.value = false
    }
  }

  watchJob(() => jobId.value, handle)

  /** A tuning of `run` starts or is followed: its progress from zero, the last choice kept. */
  function begin(run: string): void {
    state.value = 'running'
    stopping.value = false
    model.value = run
    error.value = null
    notice.value = null
    done.value = 0
    total.value = 0
  }

  /**
   * Chooses `run`'s post-processing on its validation images, or on the instance labels of
   * `data` when given; trying test-time augmentation too unless `tta` is false.
   */
  async function start(run: string, data?: string, tta = true): Promise<void> {
    begin(run)
    try {
      const r = await client().call('tune:start', { model: run, ...(data && { data }), tta })
      jobId.value = r.jobId
    } catch (err) {
      state.value = 'failed'
      error.value = errorText(err)
    }
  }

  async function cancel(): Promise<void> {
    if (!jobId.value) return
    stopping.value = true
    try {
      await client().call('job:cancel', { jobId: jobId.value })
    } catch (err) {
      stopping.value = false
      error.value = errorText(err)
    }
  }

  /** Follows a tuning job running on the host. */
  function attach(job: JobInfo): void {
    if (job.spec.kind !== 'tune') return
    begin(job.spec.options.model)
    jobId.value = job.jobId
    for (const event of job.events) handle(event)
  }

  registerFollower({
    kind: 'tune',
    jobId: () => jobId.value,
    idle: () => state.value !== 'running',
    attach,
    lost: () => {
      jobId.value = null
      stopping.value = false
      state.value = 'idle'
    }
  })

  /** Another dataset or model: the previous outcome is no longer shown (a running job stays). */
  function reset(): void {
    if (state.value === 'running') return
    state.value = 'idle'
    error.value = null
    notice.value = null
    result.value = null
  }

  return {
    jobId,
    model,
    state,
    stopping,
    notice,
    done,
    total,
    error,
    result,
    start,
    cancel,
    attach,
    reset
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useTuneStore, import.meta.hot))
