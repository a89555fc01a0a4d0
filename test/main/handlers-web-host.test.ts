import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createHandlers } from '../../src-main/handlers'
import { startWebHost, type WebHost } from '../../src-main/web-host'
import { copyIsbi } from './engine/copy-datasets'

let host: WebHost
let data: string

/** Opens a socket; resolves with it once open, rejects with the HTTP status on refusal. */
function connect(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

function call(
  ws: WebSocket,
  id: number,
  channel: string,
  arg: unknown
): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (raw: WebSocket.RawData) => {
      const msg = JSON.parse(String(raw))
      if (msg.id !== id) return
      ws.off('message', onMessage)
      resolve(msg)
    }
    ws.on('message', onMessage)
    ws.send(JSON.stringify({ id, channel, arg }))
  })
}

beforeAll(async () => {
  data = await copyIsbi([0])
  host = await startWebHost({
    staticDir: data,
    handlers: createHandlers(),
    version: 'test',
    initialDataset: data,
    token: 'secret'
  })
})
afterAll(async () => {
  await host?.close()
  await rm(data, { recursive: true, force: true })
})

describe('web host', () => {
  it('refuses a socket without the token', async () => {
    await expect(connect(`ws://127.0.0.1:${host.port}/ws`)).rejects.toThrow(/HTTP 401/)
    await expect(connect(`ws://127.0.0.1:${host.port}/ws?token=wrong`)).rejects.toThrow(/401/)
  })

  it('answers channel calls, reports bad arguments and keeps --data allow-listed', async () => {
    const ws = await connect(`ws://127.0.0.1:${host.port}/ws?token=secret`)
    const info = await call(ws, 1, 'app:info', {})
    expect(info.result).toMatchObject({ version: 'test', host: 'web', initialDataset: data })
    const bad = await call(ws, 2, 'merge:start', { root: data, mode: 'blobs' })
    expect(bad.error).toMatch(/Invalid argument for merge:start: .*mode/)
    const runs = await call(ws, 3, 'train:runs', { root: data })
    expect(runs).toEqual({ id: 3, result: [] })
    const unknown = await call(ws, 4, 'nope:x', {})
    expect(unknown.error).toMatch(/Unknown channel nope:x/)
    const outside = await call(ws, 5, 'file:png', { path: '/etc/x.png' })
    expect(outside.error).toMatch(/outside the opened folders/)
    const misspelt = await call(ws, 6, 'train:start', { data, epochs: 2, batchsize: 4 })
    expect(misspelt.error).toBe(
      'Invalid argument for train:start: unknown option "batchsize" (did you mean "batch"?)'
    )
    ws.close()
  })
})
