/**
 * The renderer's API: `window.api` in Electron, a WebSocket client of the web host in a browser.
 * The WebSocket client reconnects by itself when the connection drops (backing off up to
 * {@link MAX_RECONNECT_DELAY_MS}); calls made meanwhile wait for it. Only stores call the API.
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

/** The connection to the host: up, being re-established, or given up on for now. */
export type ConnectionState = 'connected' | 'reconnecting'

/** First wait before reconnecting; it doubles after each failed attempt. */
export const FIRST_RECONNECT_DELAY_MS = 300
/** Longest wait between reconnection attempts. */
export const MAX_RECONNECT_DELAY_MS = 5000
/** How long a call waits for a lost connection to come back before it fails. */
export const CALL_WAIT_MS = 60_000

/** What the WebSocket API adds: the connection's state and its changes. */
export interface ConnectionEvents {
  /** Calls `listener` on each change (`connected` after a reconnection too); returns the undo. */
  onConnection(listener: (state: ConnectionState) => void): () => void
}

/** Creates an {@link Api} that talks to the web host over a WebSocket, reconnecting as needed. */
export function createWebSocketApi(url: string): Api & ConnectionEvents {
  let socket: WebSocket | null = null
  let state: ConnectionState = 'reconnecting'
  let delay = FIRST_RECONNECT_DELAY_MS
  let nextId = 1
  const pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>()
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  const connectionListeners = new Set<(state: ConnectionState) => void>()
  let waiters: (() => void)[] = []

  const setState = (next: ConnectionState) => {
    if (next === state) return
    state = next
    for (const l of connectionListeners) l(next)
  }

  const onMessage = (msg: MessageEvent) => {
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
  }

  const connect = () => {
    const ws = new WebSocket(url)
    socket = ws
    ws.addEventListener('open', () => {
      delay = FIRST_RECONNECT_DELAY_MS
      setState('connected')
      for (const w of waiters) w()
      waiters = []
    })
    ws.addEventListener('message', onMessage)
    ws.addEventListener('close', () => {
      if (socket !== ws) return
      socket = null
      for (const waiter of pending.values())
        waiter.fail(new Error('The connection to the host was lost; try again'))
      pending.clear()
      setState('reconnecting')
      setTimeout(connect, delay)
      delay = Math.min(MAX_RECONNECT_DELAY_MS, delay * 2)
    })
  }
  connect()

  /** Resolves once the socket is open (at once when it is), rejects after {@link CALL_WAIT_MS}. */
  const open = (): Promise<WebSocket> => {
    if (socket && socket.readyState === WebSocket.OPEN) return Promise.resolve(socket)
    return new Promise((ok, fail) => {
      const timer = setTimeout(
        () => fail(new Error('Cannot reach the UNet Studio host (still reconnecting)')),
        CALL_WAIT_MS
      )
      waiters.push(() => {
        clearTimeout(timer)
        if (socket) ok(socket)
        else fail(new Error('Cannot reach the UNet Studio host'))
      })
    })
  }

  const call = async (channel: Channel, arg: unknown): Promise<unknown> => {
    const ws = await open()
    const id = nextId++
    return new Promise((ok, fail) => {
      pending.set(id, { ok, fail })
      ws.send(JSON.stringify({ id, channel, arg: arg ?? {} }))
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
  const onConnection: ConnectionEvents['onConnection'] = (listener) => {
    connectionListeners.add(listener)
    return () => connectionListeners.delete(listener)
  }
  return Object.assign(fns as ChannelFunctions, { on, onConnection })
}

function resolveApi(): Api & Partial<ConnectionEvents> {
  if (window.api) return window.api
  const params = new URLSearchParams(window.location.search)
  const token = params.get('token') ?? ''
  const wsUrl = `ws://${window.location.host}/ws?token=${encodeURIComponent(token)}`
  return createWebSocketApi(wsUrl)
}

let instance: (Api & Partial<ConnectionEvents>) | null = null

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
export function api(): Api & Partial<ConnectionEvents> {
  instance ??= resolveApi()
  return instance
}
