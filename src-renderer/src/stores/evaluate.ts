/**
 * Evaluating a model in the app: its run's validation split (default) or a chosen labelled
 * folder, progress per image, the scores, the per-image table worst first, and the image shown
 * side by side (original | prediction | label).
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { EvalImageRow, EvalReport, JobEvent, JobInfo } from '../../../src-preload/contract'
import { recallForm, rememberForm } from '../lib/form-memory'
import { client, errorText, useAppStore } from './app'
import { registerFollower, watchJob } from './jobs'
import { useDatasetStore } from './dataset'
import { useLibraryStore } from './library'

/** The form-memory key of the last finished evaluation per dataset (shown again after a reload). */
const EVAL_MEMORY = 'evaluation'

/** What is scored: the model's own validation split, or every labelled image of a folder. */
export type EvalTarget = 'val' | 'folder'

/** The evaluate store. */
export const useEvaluateStore = defineStore('evaluate', () => {
  /** The model scored: the library's choice, shared with Predict. */
  const model = computed<string | null>({
    get: () => useLibraryStore().selected,
    set: (path) => useLibraryStore().choose(path)
  })
  const target = ref<EvalTarget>('val')
  const folder = ref('')
  /**
   * Test-time augmentation (each image predicted as the mean of its 8 flips and transposes);
   * undefined: the model's choice.
   */
  const tta = ref<boolean | undefined>(undefined)
  const jobId = ref<string | null>(null)
  const state = ref<'idle' | 'running' | 'done' | 'failed'>('idle')
  const done = ref(0)
  const total = ref(0)
  const error = ref<string | null>(null)
  const out = ref<string | null>(null)
  const report = ref<EvalReport | null>(null)
  /** The row shown side by side, if any. */
  const shown = ref<EvalImageRow | null>(null)
  /** The dataset open when the evaluation started (its last result is remembered for it). */
  let forRoot = ''

  function handle(event: JobEvent): void {
    switch (event.type) {
      case 'backend':
        useAppStore().setBackend(event)
        break
      case 'progress':
        done.value = event.done
        total.value = event.total
        break
      case 'done':
        if (event.result.kind !== 'eval') break
        jobId.value = null
        out.value = event.result.out
        void loadReport()
        break
      case 'error':
        jobId.value = null
        state.value = 'failed'
        error.value = event.message
        break
    }
  }

  watchJob(() => jobId.value, handle)

  /** Reads the finished evaluation's `eval.json`. */
  async function loadReport(): Promise<void> {
    if (!out.value) return
    try {
      report.value = await client().call('eval:results', { out: out.value })
      state.value = 'done'
      rememberForm(EVAL_MEMORY, forRoot, { out: out.value })
    } catch (err) {
      state.value = 'failed'
      error.value = errorText(err)
    }
  }

  /** Scores the chosen model on its validation split or on the chosen folder. */
  async function start(): Promise<void> {
    if (!model.value) {
      error.value = 'Choose a model to evaluate'
      return
    }
    if (target.value === 'folder' && !folder.value) {
      error.value = 'Choose a labelled folder to evaluate on'
      return
    }
    state.value = 'running'
    error.value = null
    report.value = null
    shown.value = null
    done.value = 0
    total.value = 0
    try {
      const arg =
        target.value === 'val'
          ? { model: model.value, split: 'val' as const, tta: tta.value }
          : { model: model.value, data: folder.value, split: 'all' as const, tta: tta.value }
      const r = await client().call('eval:start', arg)
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

  /** Follows an evaluation running on the host. */
  function attach(job: JobInfo): void {
    if (job.spec.kind !== 'eval') return
    const o = job.spec.options
    jobId.value = job.jobId
    model.value = o.model
    target.value = o.split === 'val' ? 'val' : 'folder'
    if (o.split === 'all' && o.data) folder.value = o.data
    tta.value = o.tta
    forRoot = useDatasetStore().root ?? forRoot
    out.value = o.out ?? null
    report.value = null
    shown.value = null
    error.value = null
    state.value = 'running'
    for (const event of job.events) handle(event)
  }

  registerFollower({
    kind: 'eval',
    jobId: () => jobId.value,
    idle: () => state.value !== 'running',
    attach,
    lost: () => {
      jobId.value = null
      void loadReport()
    }
  })

  /**
   * Another dataset opened: the previous one's scores and view are forgotten and the folder to
   * score defaults to the new dataset. A running evaluation keeps the panel.
   */
  function switchDataset(root: string): void {
    if (state.value === 'running') return
    forRoot = root
    folder.value = root
    state.value = 'idle'
    error.value = null
    report.value = null
    shown.value = null
    out.value = null
    done.value = 0
    total.value = 0
    const last = recallForm<{ out: string }>(EVAL_MEMORY, root)?.out
    if (last) void restore(root, last)
  }

  /** Shows the dataset's last evaluation again (after a reload), quietly nothing when it is gone. */
  async function restore(root: string, at: string): Promise<void> {
    try {
      const saved = await client().call('eval:results', { out: at })
      if (forRoot !== root || state.value !== 'idle') return
      out.value = at
      report.value = saved
      state.value = 'done'
      done.value = total.value = saved.images
    } catch {
      /* its folder was removed or is no longer reachable: the panel starts empty */
    }
  }

  /** Shows one image side by side (null closes the view). */
  function show(row: EvalImageRow | null): void {
    shown.value = row
  }

  return {
    model,
    target,
    folder,
    tta,
    jobId,
    state,
    done,
    total,
    error,
    out,
    report,
    shown,
    start,
    cancel,
    attach,
    switchDataset,
    show
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useEvaluateStore, import.meta.hot))
