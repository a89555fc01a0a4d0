/**
 * App-wide state (host info, backend in use) and the one seam through which stores reach the API:
 * `client()` returns the real `api()` unless a test injected a fake with `setApi`.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import { api } from '../api'
import type { AppInfo } from '../../../src-preload/contract'

/** A loosely typed view of the API: channels called by name, events by name. */
export interface Client {
  call<T>(channel: string, arg: unknown): Promise<T>
  on(event: string, listener: (payload: never) => void): () => void
}

type Raw = Record<string, (arg: unknown) => Promise<unknown>> & {
  on(event: string, listener: (payload: unknown) => void): () => void
}

let injected: Raw | null = null

/** Replaces the API for tests (pass null to restore the real one). */
export function setApi(fake: object | null): void {
  injected = fake as Raw | null
}

/** The API as the stores use it. */
export function client(): Client {
  const raw = injected ?? (api() as unknown as Raw)
  return {
    call: async <T>(channel: string, arg: unknown) => {
      const fn = raw[channel]
      if (typeof fn !== 'function') throw new Error(`The host does not offer "${channel}"`)
      return (await fn(arg)) as T
    },
    on: (event, listener) => raw.on(event, listener as (p: unknown) => void)
  }
}

/** Turns anything thrown into a message. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** Host info and the compute backend reported by the last job. */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null)
  const error = ref<string | null>(null)
  const backend = ref<string | null>(null)
  const tab = ref<'merge' | 'train' | 'predict'>('train')

  async function load(): Promise<void> {
    try {
      info.value = await client().call<AppInfo>('app:info', {})
      const b = (info.value as AppInfo & { backend?: string }).backend
      if (b) backend.value = b
    } catch (err) {
      error.value = errorText(err)
    }
  }

  return { info, error, backend, tab, load }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useAppStore, import.meta.hot))
