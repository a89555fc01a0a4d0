/** The open dataset: its samples with label status, the selection and cached thumbnails. */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { client, errorText } from './app'

import type { DatasetInfo, SampleStatus } from '../../../src-preload/contract'

export type { SampleStatus }
/** One sample in the browser. */
export type SampleRow = DatasetInfo['samples'][number]

/** Thumbnail side in pixels requested from the host. */
export const DEFAULT_THUMB_SIZE = 64
/** Thumbnails fetched at once. */
const THUMB_CONCURRENCY = 4

/** The dataset store. */
export const useDatasetStore = defineStore('dataset', () => {
  const root = ref<string | null>(null)
  const layout = ref<string | null>(null)
  const maskKind = ref<string | null>(null)
  const sizes = ref<DatasetInfo['sizes']>([])
  const problems = ref<DatasetInfo['problems']>([])
  const samples = shallowRef<SampleRow[]>([])
  const selectedId = ref<string | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)
  const thumbs = ref<Record<string, string>>({})
  const counts = computed(() => {
    const c: Record<SampleStatus, number> = { labelled: 0, unlabelled: 0, edited: 0, predicted: 0 }
    for (const s of samples.value) c[s.status] = (c[s.status] ?? 0) + 1
    return c
  })
  const selected = computed(() => samples.value.find((s) => s.id === selectedId.value) ?? null)
  const queue: string[] = []
  const requested = new Set<string>()
  let active = 0

  async function open(dir: string): Promise<boolean> {
    loading.value = true
    error.value = null
    try {
      const info = await client().call('dataset:open', { dir })
      root.value = info.root
      layout.value = info.layout
      maskKind.value = info.maskKind ?? null
      sizes.value = info.sizes ?? []
      problems.value = info.problems ?? []
      samples.value = info.samples
      thumbs.value = {}
      requested.clear()
      queue.length = 0
      selectedId.value = info.samples[0]?.id ?? null
      return true
    } catch (err) {
      error.value = errorText(err)
      return false
    } finally {
      loading.value = false
    }
  }

  /** Re-reads the open dataset's sample statuses, keeping the selection and thumbnails. */
  async function refresh(): Promise<void> {
    if (!root.value) return
    try {
      const info = await client().call('dataset:open', { dir: root.value })
      problems.value = info.problems ?? []
      samples.value = info.samples
      if (!info.samples.some((s) => s.id === selectedId.value))
        selectedId.value = info.samples[0]?.id ?? null
    } catch (err) {
      error.value = errorText(err)
    }
  }

  /** The native folder picker's choice, or null (cancelled, or no dialog on the web host). */
  async function pickFolder(title: string): Promise<string | null> {
    try {
      return (await client().call('dialog:open-folder', { title })).path
    } catch {
      return null
    }
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
    samples.value = samples.value.map((s) => (s.id === id ? { ...s, status } : s))
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
    problems,
    samples,
    selectedId,
    selected,
    loading,
    error,
    thumbs,
    counts,
    open,
    refresh,
    pickFolder,
    select,
    step,
    setStatus,
    requestThumb
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useDatasetStore, import.meta.hot))
