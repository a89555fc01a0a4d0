/**
 * App-wide state (host info, backend in use) and the one seam through which stores reach the API:
 * `client()` returns the real `api()` unless a test injected a fake with `setApi`.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import { api } from '../api'
import type {
  AppInfo,
  Channel,
  ChannelArg,
  ChannelResponse,
  EventName,
  EventPayload
} from '../../../src-preload/contract'

/** The API as the stores use it: channels called by name, events by name, typed by the contract. */
export interface Client {
  call<C extends Channel>(channel: C, arg: ChannelArg<C>): Promise<ChannelResponse<C>>
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
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
    call: async <C extends Channel>(channel: C, arg: ChannelArg<C>) => {
      const fn = raw[channel]
      if (typeof fn !== 'function') throw new Error(`The host does not offer "${channel}"`)
      return (await fn(arg)) as ChannelResponse<C>
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
      info.value = await client().call('app:info', {})
      if (info.value.backend) backend.value = info.value.backend
    } catch (err) {
      error.value = errorText(err)
    }
  }

  return { info, error, backend, tab, load }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useAppStore, import.meta.hot))
