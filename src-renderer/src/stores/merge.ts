/** Merging instance masks into training labels: options, progress, result. */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import { client, errorText } from './app'
import type { JobEvent, JobInfo, MergeResult } from '../../../src-preload/contract'
import { MERGE_DEFAULTS, type MergeMode } from '../../../src-preload/options/merge'
import { registerFollower, watchJob } from './jobs'

export type { MergeMode }

/** The merge store. */
export const useMergeStore = defineStore('merge', () => {
  const mode = ref<MergeMode>(MERGE_DEFAULTS.mode)
  const size = ref<number | null>(null)
  const jobId = ref<string | null>(null)
  const out = ref<string | null>(null)
  const state = ref<'idle' | 'running' | 'done' | 'cancelled' | 'failed'>('idle')
  const done = ref(0)
  const total = ref(0)
  const current = ref<string | null>(null)
  const error = ref<string | null>(null)
  const result = ref<MergeResult | null>(null)
  /** A finished merge of the open dataset: this session's, or one found on disk after a reload. */
  const merged = ref<string | null>(null)
  /** Counts merged-label lookups, so that only the newest dataset's answer lands. */
  let lookups = 0

  function handle(event: JobEvent): void {
    if (event.type === 'progress') {
      done.value = Math.min(event.done, event.total)
      total.value = event.total
      current.value = event.item
    } else if (event.type === 'done' && event.result.kind === 'merge') {
      jobId.value = null
      result.value = event.result
      if (event.result.cancelled) state.value = 'cancelled'
      else {
        state.value = 'done'
        merged.value = out.value
        if (total.value > 0) done.value = total.value
      }
    } else if (event.type === 'error') {
      jobId.value = null
      state.value = 'failed'
      error.value = event.message
    }
  }

  watchJob(() => jobId.value, handle)

  /** Follows a merge running on the host. */
  function attach(job: JobInfo): void {
    if (job.spec.kind !== 'merge') return
    jobId.value = job.jobId
    out.value = job.spec.options.out
    mode.value = job.spec.options.mode
    state.value = 'running'
    error.value = null
    result.value = null
    for (const event of job.events) handle(event)
  }

  registerFollower({
    kind: 'merge',
    jobId: () => jobId.value,
    idle: () => state.value !== 'running',
    attach,
    lost: () => {
      jobId.value = null
      state.value = 'done'
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

  /**
   * The merged labels of dataset `root` on disk (`.unet-studio/merged-<mode>` holding masks), the
   * current mode's first; null when there are none.
   */
  async function findMerged(root: string): Promise<string | null> {
    const own = await client()
      .call('folder:list', { dir: `${root}/.unet-studio` })
      .catch(() => null)
    const found = (own?.folders ?? []).filter((f) => f.name.startsWith('merged-'))
    found.sort(
      (a, b) =>
        Number(b.name === `merged-${mode.value}`) - Number(a.name === `merged-${mode.value}`)
    )
    for (const f of found) {
      const inside = await client()
        .call('folder:list', { dir: f.path })
        .catch(() => null)
      if (inside?.folders.some((g) => g.name === 'masks')) return f.path
    }
    return null
  }

  /**
   * Forgets the previous dataset's merge (its output folder, result and counts) unless running,
   * and looks for merged labels the new dataset already has on disk.
   */
  function switchDataset(root: string): void {
    if (state.value === 'running') return
    merged.value = null
    const asked = ++lookups
    void findMerged(root).then((path) => {
      if (path && asked === lookups && state.value !== 'running') merged.value = path
    })
    state.value = 'idle'
    out.value = null
    result.value = null
    error.value = null
    current.value = null
    done.value = 0
    total.value = 0
  }

  return {
    mode,
    size,
    jobId,
    out,
    state,
    done,
    total,
    current,
    error,
    result,
    merged,
    start,
    cancel,
    switchDataset
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useMergeStore, import.meta.hot))
