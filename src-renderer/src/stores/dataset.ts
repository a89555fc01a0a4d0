/**
 * The open dataset: its samples with label status (the first page from `dataset:open`, the
 * rest page by page in the background), the selection and cached thumbnails.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef } from 'vue'
import { client, errorText, useAppStore } from './app'
import { switchDataset } from './dataset-switch'

import {
  DEFAULT_PAGE_ROWS,
  type DatasetInfo,
  type SampleRow,
  type SampleStatus
} from '../../../src-preload/contract'

export type { SampleRow, SampleStatus }

/** Where the browser remembers the last dataset opened, to open it again after a reload. */
export const LAST_DATASET_KEY = 'unet-studio:last-dataset'
/** The host's start-up dataset (`serve --data`) when the last dataset was opened. */
export const LAST_INITIAL_KEY = 'unet-studio:last-dataset-initial'

/** The dataset opened last in this browser (or Electron window), if any. */
export function lastDataset(): string | null {
  try {
    return globalThis.localStorage?.getItem(LAST_DATASET_KEY) ?? null
  } catch {
    return null
  }
}

/**
 * The dataset to open when the app loads: the one the user opened last, unless the host was
 * started on another dataset (`serve --data`) since; then that one.
 */
export function datasetToOpen(hostInitial: string | null | undefined): string | null {
  const last = lastDataset()
  if (!hostInitial) return last
  let under: string | null = null
  try {
    under = globalThis.localStorage?.getItem(LAST_INITIAL_KEY) ?? null
  } catch {
    /* storage unavailable: the host's dataset */
  }
  return last && under === hostInitial ? last : hostInitial
}

function rememberDataset(root: string, hostInitial: string | null | undefined): void {
  try {
    globalThis.localStorage?.setItem(LAST_DATASET_KEY, root)
    if (hostInitial) globalThis.localStorage?.setItem(LAST_INITIAL_KEY, hostInitial)
    else globalThis.localStorage?.removeItem(LAST_INITIAL_KEY)
  } catch {
    /* private mode: nothing is remembered */
  }
}

/** Thumbnail side in pixels requested from the host. */
export const DEFAULT_THUMB_SIZE = 64
/** Thumbnails fetched at once. */
const THUMB_CONCURRENCY = 4

function emptyCounts(): Record<SampleStatus, number> {
  return { labelled: 0, unlabelled: 0, edited: 0, predicted: 0 }
}

/** The dataset store. */
export const useDatasetStore = defineStore('dataset', () => {
  const root = ref<string | null>(null)
  const layout = ref<string | null>(null)
  const maskKind = ref<string | null>(null)
  const sizes = ref<DatasetInfo['sizes']>([])
  /** The images' most common channel count, when known. */
  const channels = ref<number | null>(null)
  const problems = ref<DatasetInfo['problems']>([])
  const problemCount = ref(0)
  /** Samples loaded so far, in the host's (natural name) order; `total` in the dataset. */
  const samples = shallowRef<SampleRow[]>([])
  const total = ref(0)
  /** True while pages after the first are still arriving. */
  const paging = ref(false)
  const statusCounts = ref<Record<SampleStatus, number>>(emptyCounts())
  const selectedId = ref<string | null>(null)
  const loading = ref(false)
  /** Why the last folder could not be opened (the view keeps the dataset shown before). */
  const error = ref<string | null>(null)
  /** The folder that could not be opened. */
  const failedDir = ref<string | null>(null)
  const thumbs = ref<Record<string, string>>({})
  /** Samples per label status over the whole dataset (from the host, kept up to date here). */
  const counts = computed(() => statusCounts.value)
  const selected = computed(() => samples.value.find((s) => s.id === selectedId.value) ?? null)
  const queue: string[] = []
  const requested = new Set<string>()
  let active = 0
  /** Bumped on every open: pages of an older listing are dropped. */
  let generation = 0

  function applySummary(info: DatasetInfo): void {
    problems.value = info.problems ?? []
    problemCount.value = info.problemCount ?? info.problems?.length ?? 0
    statusCounts.value = { ...emptyCounts(), ...info.counts }
    total.value = info.sampleCount
    samples.value = [...info.samples]
  }

  /** Fetches the pages after the first, in order, until the listing is complete. */
  async function loadPages(at: string, gen: number): Promise<void> {
    paging.value = samples.value.length < total.value
    try {
      while (gen === generation && samples.value.length < total.value) {
        const page = await client().call('dataset:page', {
          root: at,
          offset: samples.value.length,
          limit: DEFAULT_PAGE_ROWS
        })
        if (gen !== generation) return
        if (page.samples.length === 0) break
        samples.value.push(...page.samples)
        total.value = page.total
        triggerRef(samples)
      }
    } catch (err) {
      if (gen === generation) error.value = errorText(err)
    } finally {
      if (gen === generation) paging.value = false
    }
  }

  async function open(dir: string): Promise<boolean> {
    loading.value = true
    error.value = null
    failedDir.value = null
    const gen = ++generation
    try {
      const info = await client().call('dataset:open', { dir })
      if (gen !== generation) return false
      const changed = info.root !== root.value
      root.value = info.root
      layout.value = info.layout
      maskKind.value = info.maskKind ?? null
      sizes.value = info.sizes ?? []
      channels.value = info.channels ?? null
      applySummary(info)
      thumbs.value = {}
      requested.clear()
      queue.length = 0
      selectedId.value = info.samples[0]?.id ?? null
      rememberDataset(info.root, useAppStore().info?.initialDataset)
      void loadPages(info.root, gen)
      switchDataset(info, changed)
      return true
    } catch (err) {
      error.value = errorText(err)
      failedDir.value = dir
      return false
    } finally {
      loading.value = false
    }
  }

  /**
   * Re-reads the open dataset's sample statuses, keeping the selection and thumbnails; nothing
   * while another folder is opening (the open reads everything anew).
   */
  async function refresh(): Promise<void> {
    if (!root.value || loading.value) return
    const gen = ++generation
    try {
      const info = await client().call('dataset:open', { dir: root.value })
      if (gen !== generation) return
      const keep = selectedId.value
      applySummary(info)
      await loadPages(info.root, gen)
      if (gen === generation && !samples.value.some((s) => s.id === keep))
        selectedId.value = samples.value[0]?.id ?? null
    } catch (err) {
      error.value = errorText(err)
    }
  }

  /** Dismisses the message about a folder that could not be opened. */
  function dismissError(): void {
    error.value = null
    failedDir.value = null
  }

  function select(id: string | null): void {
    selectedId.value = id
  }

  /** Moves the selection by `delta` rows (keyboard navigation). */
  function step(delta: number): void {
    const list = samples.value
    if (list.length === 0) return
    const i = list.findIndex((s) => s.id === selectedId.value)
    selectedId.value = list[Math.min(list.length - 1, Math.max(0, i + delta))].id
  }

  function setStatus(id: string, status: SampleStatus): void {
    const i = samples.value.findIndex((s) => s.id === id)
    if (i < 0 || samples.value[i].status === status) return
    const c = { ...statusCounts.value }
    c[samples.value[i].status]--
    c[status]++
    statusCounts.value = c
    samples.value[i] = { ...samples.value[i], status }
    triggerRef(samples)
  }

  function pump(): void {
    while (active < THUMB_CONCURRENCY && queue.length > 0) {
      const id = queue.shift() as string
      const at = root.value
      active++
      client()
        .call('dataset:thumbnail', { root: at as string, id, size: DEFAULT_THUMB_SIZE })
        .then((r) => {
          if (at === root.value)
            thumbs.value = { ...thumbs.value, [id]: `data:image/png;base64,${r.png}` }
        })
        .catch(() => undefined)
        .finally(() => {
          active--
          pump()
        })
    }
  }

  /** Asks for a thumbnail once; it appears in `thumbs` when it arrives. */
  function requestThumb(id: string): void {
    if (!root.value || requested.has(id)) return
    requested.add(id)
    queue.push(id)
    pump()
  }

  return {
    root,
    layout,
    maskKind,
    sizes,
    channels,
    problems,
    problemCount,
    samples,
    total,
    paging,
    selectedId,
    selected,
    loading,
    error,
    failedDir,
    thumbs,
    counts,
    open,
    refresh,
    select,
    step,
    setStatus,
    dismissError,
    requestThumb
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useDatasetStore, import.meta.hot))
