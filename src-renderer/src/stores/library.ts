/** The per-user model library as the Predict, Train and Evaluate panels list it. */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ModelEntry } from '../../../src-preload/contract'
import { client, errorText } from './app'

/** The library store. */
export const useLibraryStore = defineStore('library', () => {
  const models = ref<ModelEntry[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)
  /** Models that can predict now (their folder is there and holds weights). */
  const usable = computed(() =>
    models.value.filter((m) => m.status === 'ready' || m.status === 'training')
  )

  /** Reads the library from the host (runs trained anywhere, models added, built-in ones). */
  async function load(): Promise<void> {
    loading.value = true
    try {
      models.value = await client().call('models:list', {})
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

  return { models, loading, error, usable, load, add, remove, find }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useLibraryStore, import.meta.hot))
