/**
 * The per-user model library as the Predict, Train and Evaluate panels list it, and the model
 * those panels use: the one last chosen for the open dataset, else the newest that fits it.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ModelEntry } from '../../../src-preload/contract'
import { recallForm, rememberForm } from '../lib/form-memory'
import { client, errorText } from './app'
import { useDatasetStore } from './dataset'
import { useProjectStore } from './project'

/** The form-memory key of the model chosen per dataset. */
const MODEL_MEMORY = 'model'

/** The library store. */
export const useLibraryStore = defineStore('library', () => {
  const models = ref<ModelEntry[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)
  /** The list was read from the host at least once. */
  const loaded = ref(false)
  /** Models that can predict now (their folder is there and holds weights). */
  const usable = computed(() =>
    models.value.filter((m) => m.status === 'ready' || m.status === 'training')
  )

  /** The model chosen per dataset root in this session ('' when no dataset is open). */
  const picks = ref<Record<string, string | null>>({})
  const root = computed(() => useDatasetStore().root ?? '')
  /** The model last chosen for the open dataset (this session's, else remembered), if any. */
  const picked = computed(() => {
    const r = root.value
    if (r in picks.value) return picks.value[r]
    return recallForm<{ path: string }>(MODEL_MEMORY, r)?.path ?? null
  })

  /**
   * Whether a model's output fits the open dataset's labels (true when the dataset has none yet;
   * false while its project is still being read).
   */
  function fits(m: ModelEntry): boolean {
    const project = useProjectStore()
    if (project.loading || (root.value && project.root !== root.value)) return false
    if (!project.labelType || !m.labelType) return true
    if (m.labelType !== 'classes') return project.labelType !== 'classes'
    if (project.labelType !== 'classes') return false
    return !project.training.ok || project.training.classes === m.classes
  }

  /**
   * The model Predict and Evaluate use: the one last chosen for the open dataset while it can
   * predict (or before the list is read), else the newest ready model that fits the dataset's
   * labels, preferring one that takes the images' channel count (1 grey, 3 colour), then one
   * trained on this dataset, then a trained or added one over a built-in one; else none.
   */
  const selected = computed<string | null>(() => {
    const pick = picked.value
    if (pick && (!loaded.value || usable.value.some((m) => m.path === pick))) return pick
    const fitting = models.value.filter((m) => m.status === 'ready' && fits(m))
    const channels = useDatasetStore().channels
    const rank = (m: ModelEntry) =>
      (channels && m.channels && m.channels !== channels ? 4 : 0) +
      (m.dataset === root.value ? 0 : 2) +
      (m.source === 'builtin' ? 1 : 0)
    const best = fitting.reduce<ModelEntry | null>(
      (a, m) => (!a || rank(m) < rank(a) ? m : a),
      null
    )
    return best?.path ?? null
  })

  /** Uses `path` for the open dataset from now on (remembered across reloads). */
  function choose(path: string | null): void {
    picks.value = { ...picks.value, [root.value]: path }
    if (path) rememberForm(MODEL_MEMORY, root.value, { path })
  }

  /** Uses `path` unless a model was chosen for the open dataset already. */
  function chooseIfNone(path: string): void {
    if (!picked.value) choose(path)
  }

  /** Reads the library from the host (runs trained anywhere, models added, built-in ones). */
  async function load(): Promise<void> {
    loading.value = true
    try {
      models.value = await client().call('models:list', {})
      loaded.value = true
      error.value = null
    } catch (err) {
      error.value = errorText(err)
    } finally {
      loading.value = false
    }
  }

  /** Adds a run or model folder; returns its entry, or null (the reason is in `error`). */
  async function add(path: string): Promise<ModelEntry | null> {
    try {
      const entry = await client().call('models:add', { path })
      error.value = null
      await load()
      return entry
    } catch (err) {
      error.value = errorText(err)
      return null
    }
  }

  /** Takes a model off the list (its files stay where they are). */
  async function remove(path: string): Promise<void> {
    try {
      await client().call('models:remove', { path })
      await load()
    } catch (err) {
      error.value = errorText(err)
    }
  }

  /** The entry of a model folder, if listed. */
  function find(path: string | null): ModelEntry | null {
    return models.value.find((m) => m.path === path) ?? null
  }

  return {
    models,
    loading,
    error,
    usable,
    loaded,
    picks,
    selected,
    load,
    add,
    remove,
    find,
    fits,
    choose,
    chooseIfNone
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useLibraryStore, import.meta.hot))
