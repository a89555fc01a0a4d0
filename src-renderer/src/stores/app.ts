/**
 * App-wide state (host info, backend in use) and the one seam through which stores reach the API:
 * `client()` returns the real `api()` unless a test injected a fake with `setApi`.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { api, type ConnectionEvents, type ConnectionState } from '../api'
import type {
  AppInfo,
  BackendName,
  BackendReport,
  Channel,
  ChannelArg,
  ChannelFunctions,
  ChannelResponse,
  EventName,
  EventPayload,
  EventSubscription
} from '../../../src-preload/contract'

/** The API as the stores use it: channels called by name, events by name, typed by the contract. */
export interface Client {
  call<C extends Channel>(channel: C, arg: ChannelArg<C>): Promise<ChannelResponse<C>>
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

/** An API some of whose channels may be missing (a test's fake, an older host). */
type PartialApi = Partial<ChannelFunctions> & Partial<EventSubscription> & Partial<ConnectionEvents>

let injected: PartialApi | null = null

/** Replaces the API for tests (pass null to restore the real one); missing channels throw. */
export function setApi(fake: PartialApi | null): void {
  injected = fake
}

/** The API as the stores use it. */
export function client(): Client {
  const raw: PartialApi = injected ?? api()
  return {
    call: async <C extends Channel>(channel: C, arg: ChannelArg<C>) => {
      const fns: { [K in Channel]?: (arg: ChannelArg<K>) => Promise<ChannelResponse<K>> } = raw
      const fn = fns[channel]
      if (typeof fn !== 'function') throw new Error(`The host does not offer "${channel}"`)
      return fn(arg)
    },
    on: <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => {
      if (!raw.on) throw new Error('The host sends no events')
      return raw.on(event, listener)
    }
  }
}

/** The tabs of the side panel. */
export type SideTab = 'merge' | 'train' | 'predict' | 'evaluate'

const SIDE_TABS: readonly SideTab[] = ['merge', 'train', 'predict', 'evaluate']
const TAB_KEY = 'unet-studio:tab'

/** The side panel tab last shown (Train when none was remembered). */
function recallTab(): SideTab {
  try {
    const t = localStorage.getItem(TAB_KEY)
    return SIDE_TABS.find((s) => s === t) ?? 'train'
  } catch {
    return 'train'
  }
}

/** Remembers the side panel tab for the next reload (quietly not when storage is off). */
function rememberTab(tab: SideTab): void {
  try {
    localStorage.setItem(TAB_KEY, tab)
  } catch {
    /* storage unavailable: the next load starts on Train */
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
  const backend = ref<BackendName | null>(null)
  /** Why the backends before it were skipped, from the last job's backend event. */
  const backendSkipped = ref<BackendReport['skipped']>([])
  const tab = ref<SideTab>(recallTab())
  watch(tab, rememberTab)
  /** The connection to the web host (always `connected` in Electron). */
  const connection = ref<ConnectionState>('connected')
  /** How many times the connection came back after a drop (stores re-sync on each). */
  const reconnects = ref(0)
  let wasConnected = false
  ;(injected ?? api()).onConnection?.((state) => {
    connection.value = state
    if (state !== 'connected') return
    if (wasConnected) reconnects.value++
    wasConnected = true
  })

  async function load(): Promise<void> {
    try {
      info.value = await client().call('app:info', {})
      if (info.value.backend) backend.value = info.value.backend
    } catch (err) {
      error.value = errorText(err)
    }
  }

  /** Shows the backend a job reported (its `backend` event). */
  function setBackend(report: Pick<BackendReport, 'name' | 'skipped'>): void {
    backend.value = report.name
    backendSkipped.value = report.skipped
  }

  return {
    info,
    error,
    backend,
    backendSkipped,
    tab,
    connection,
    reconnects,
    load,
    setBackend
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useAppStore, import.meta.hot))
