import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createWebSocketApi, FIRST_RECONNECT_DELAY_MS } from '../../src-renderer/src/api'

/** A stand-in for the browser's WebSocket: the test opens, answers and drops each socket. */
class FakeSocket extends EventTarget {
  static OPEN = 1
  static all: FakeSocket[] = []
  readyState = 0
  sent: { id: number; channel: string }[] = []
  constructor(readonly url: string) {
    super()
    FakeSocket.all.push(this)
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data))
  }
  open(): void {
    this.readyState = 1
    this.dispatchEvent(new Event('open'))
  }
  reply(frame: object): void {
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(frame) }))
  }
  drop(): void {
    this.readyState = 3
    this.dispatchEvent(new Event('close'))
  }
}

describe('WebSocket API', () => {
  beforeEach(() => {
    FakeSocket.all = []
    vi.stubGlobal('WebSocket', FakeSocket)
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  it('reconnects by itself after a drop; calls wait for it; events keep their listeners', async () => {
    const api = createWebSocketApi('ws://host/ws?token=t')
    const states: string[] = []
    api.onConnection((s) => states.push(s))
    const events: unknown[] = []
    api.on('job:event', (p) => events.push(p))
    const first = FakeSocket.all[0]
    first.open()
    const info = api['app:info']({})
    await vi.waitFor(() => expect(first.sent).toHaveLength(1))
    first.reply({ id: first.sent[0].id, result: { version: '1' } })
    await expect(info).resolves.toEqual({ version: '1' })

    const lost = api['app:info']({})
    await vi.waitFor(() => expect(first.sent).toHaveLength(2))
    first.drop()
    await expect(lost).rejects.toThrow(/connection to the host was lost/)
    const waiting = api['jobs:running']({})
    await vi.advanceTimersByTimeAsync(FIRST_RECONNECT_DELAY_MS)
    const second = FakeSocket.all[1]
    expect(second.url).toBe('ws://host/ws?token=t')
    second.drop()
    await vi.advanceTimersByTimeAsync(2 * FIRST_RECONNECT_DELAY_MS)
    const third = FakeSocket.all[2]
    third.open()
    await vi.waitFor(() => expect(third.sent).toHaveLength(1))
    expect(third.sent[0].channel).toBe('jobs:running')
    third.reply({ id: third.sent[0].id, result: [] })
    await expect(waiting).resolves.toEqual([])
    third.reply({ event: 'job:event', payload: { jobId: 'j' } })
    expect(events).toEqual([{ jobId: 'j' }])
    expect(states).toEqual(['connected', 'reconnecting', 'connected'])
  })
})
