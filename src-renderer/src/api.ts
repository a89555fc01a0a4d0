/**
 * The renderer's API: `window.api` in Electron, a WebSocket client of the web host in a browser.
 * Only stores call it.
 */
import {
  channelNames,
  type Api,
  type Channel,
  type ChannelFunctions,
  type ChannelArg,
  type EventName,
  type EventSubscription
} from '../../src-preload/contract'

declare global {
  interface Window {
    api?: Api
  }
}

interface ResponseFrame {
  id?: number
  result?: unknown
  error?: string
  event?: EventName
  payload?: unknown
}

/** Creates an {@link Api} that talks to the web host over one WebSocket. */
export function createWebSocketApi(url: string): Api {
  const socket = new WebSocket(url)
  const opened = new Promise<void>((ok, fail) => {
    socket.addEventListener('open', () => ok(), { once: true })
    socket.addEventListener('error', () => fail(new Error('Cannot reach the UNet Studio host')), {
      once: true
    })
  })
  let nextId = 1
  const pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>()
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  socket.addEventListener('message', (msg) => {
    const frame = JSON.parse(String(msg.data)) as ResponseFrame
    if (frame.event) {
      for (const listener of listeners.get(frame.event) ?? []) listener(frame.payload)
      return
    }
    const waiter = frame.id === undefined ? undefined : pending.get(frame.id)
    if (!waiter || frame.id === undefined) return
    pending.delete(frame.id)
    if (frame.error !== undefined) waiter.fail(new Error(frame.error))
    else waiter.ok(frame.result)
  })
  socket.addEventListener('close', () => {
    for (const waiter of pending.values()) waiter.fail(new Error('Connection to host closed'))
    pending.clear()
  })
  const call = async (channel: Channel, arg: unknown): Promise<unknown> => {
    await opened
    const id = nextId++
    return new Promise((ok, fail) => {
      pending.set(id, { ok, fail })
      socket.send(JSON.stringify({ id, channel, arg: arg ?? {} }))
    })
  }
  const fns: Record<string, (arg: unknown) => Promise<unknown>> = {}
  for (const name of channelNames) fns[name] = (arg) => call(name, arg)
  const on: EventSubscription['on'] = (event, listener) => {
    const set = listeners.get(event) ?? new Set()
    listeners.set(event, set)
    const wrapped = listener as (payload: unknown) => void
    set.add(wrapped)
    return () => set.delete(wrapped)
  }
  return Object.assign(fns as ChannelFunctions, { on })
}

function resolveApi(): Api {
  if (window.api) return window.api
  const params = new URLSearchParams(window.location.search)
  const token = params.get('token') ?? ''
  const wsUrl = `ws://${window.location.host}/ws?token=${encodeURIComponent(token)}`
  return createWebSocketApi(wsUrl)
}

let instance: Api | null = null

/** Request bodies a keepalive fetch may carry (browsers allow 64 KiB in flight per page). */
const KEEPALIVE_LIMIT = 60_000

/**
 * Calls `channel` in a way that survives the page closing: in Electron the IPC message leaves at
 * once; in a browser a small request goes as `fetch(..., { keepalive: true })` to the web host's
 * `/call`, a larger one over the socket (best effort). Resolves when sent, not when done.
 */
export function callKeepalive<C extends Channel>(channel: C, arg: ChannelArg<C>): void {
  if (window.api) {
    const send = window.api[channel] as (a: ChannelArg<C>) => Promise<unknown>
    void send(arg).catch(() => undefined)
    return
  }
  const body = JSON.stringify({ id: 'keepalive', channel, arg })
  if (body.length <= KEEPALIVE_LIMIT) {
    const token = new URLSearchParams(window.location.search).get('token') ?? ''
    void fetch(`/call?token=${encodeURIComponent(token)}`, {
      method: 'POST',
      keepalive: true,
      headers: { 'Content-Type': 'application/json' },
      body
    }).catch(() => undefined)
    return
  }
  const send = api()[channel] as (a: ChannelArg<C>) => Promise<unknown>
  void send(arg).catch(() => undefined)
}

/** The process-wide API instance, created on first use. */
export function api(): Api {
  instance ??= resolveApi()
  return instance
}
