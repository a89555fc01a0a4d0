/** Merging instance masks into training labels: options, progress, result. */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import { client, errorText } from './app'
import { watchJob, type JobMessage } from './jobs'

/** Merge target: binary union, instance ids, or background/interior/boundary. */
export type MergeMode = 'binary' | 'instances' | 'boundary'

/** Reads `done/total` style figures from a progress message. */
export function progressOf(msg: JobMessage): { done: number; total: number } | null {
  const total = Number(msg.total)
  const done = Number(msg.done ?? (msg.index !== undefined ? Number(msg.index) + 1 : NaN))
  return Number.isFinite(total) && Number.isFinite(done)
    ? { done: Math.min(done, total), total }
    : null
}

/** The merge store. */
export const useMergeStore = defineStore('merge', () => {
  const mode = ref<MergeMode>('binary')
  const size = ref<number | null>(null)
  const jobId = ref<string | null>(null)
  const out = ref<string | null>(null)
  const state = ref<'idle' | 'running' | 'done' | 'cancelled' | 'failed'>('idle')
  const done = ref(0)
  const total = ref(0)
  const current = ref<string | null>(null)
  const error = ref<string | null>(null)
  const result = ref<Record<string, unknown> | null>(null)

  watchJob(() => jobId.value, {
    message(msg) {
      const p = progressOf(msg)
      if (p) {
        done.value = p.done
        total.value = p.total
      }
      if (typeof msg.id === 'string') current.value = msg.id
      else if (typeof msg.sample === 'string') current.value = msg.sample
    },
    end(e) {
      jobId.value = null
      result.value = (e.result as Record<string, unknown>) ?? null
      if (e.ok && result.value?.cancelled === true) {
        state.value = 'cancelled'
      } else if (e.ok) {
        state.value = 'done'
        if (total.value > 0) done.value = total.value
      } else {
        state.value = 'failed'
        error.value = e.error ?? 'Merge failed'
      }
    }
  })

  async function start(root: string): Promise<void> {
    state.value = 'running'
    error.value = null
    result.value = null
    done.value = 0
    total.value = 0
    try {
      const r = await client().call('merge:start', {
        root,
        mode: mode.value,
        ...(size.value ? { size: size.value } : {})
      })
      jobId.value = r.jobId
      out.value = r.out
    } catch (err) {
      state.value = 'failed'
      error.value = errorText(err)
    }
  }

  async function cancel(): Promise<void> {
    if (jobId.value) await client().call('job:cancel', { jobId: jobId.value })
  }

  return { mode, size, jobId, out, state, done, total, current, error, result, start, cancel }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useMergeStore, import.meta.hot))
