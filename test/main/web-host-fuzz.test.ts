/**
 * Fuzzing a running web host: malformed HTTP requests, upgrades and WebSocket frames never
 * crash it, every frame is answered, and a good request still works afterwards.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect as tcp } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { createHandlers, type Handlers } from '../../src-main/handlers'
import { MAX_FRAME_BYTES, MAX_IN_FLIGHT } from '../../src-main/web-frames'
import { startWebHost, type WebHost } from '../../src-main/web-host'
import { Prng } from '../../src-main/engine/prng'

const TOKEN = 'fuzz-token-0123456789'
let host: WebHost
let dir: string
let sent = 0

/** Sends raw bytes as one HTTP request; resolves with the response's status line ('' if none). */
function raw(text: string | Buffer): Promise<string> {
  sent++
  return new Promise((resolve) => {
    const socket = tcp(host.port, '127.0.0.1')
    let got = ''
    const done = () => {
      socket.destroy()
      resolve(got.split('\r\n')[0])
    }
    socket.setTimeout(3000, done)
    socket.on('data', (d) => {
      got += d.toString('latin1')
      if (got.includes('\r\n')) done()
    })
    socket.on('error', done)
    socket.on('close', done)
    socket.write(text)
  })
}

function get(path: string, headers: Record<string, string> = {}): Promise<string> {
  const all = { Host: `127.0.0.1:${host.port}`, Connection: 'close', ...headers }
  const lines = Object.entries(all).map(([k, v]) => `${k}: ${v}`)
  return raw(`GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`)
}

function upgrade(path: string, headers: Record<string, string> = {}): Promise<string> {
  return get(path, {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    ...headers
  })
}

function open(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${TOKEN}`)
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

/** Sends frames and resolves with the replies once there is one per frame. */
function exchange(ws: WebSocket, frames: string[]): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const replies: Record<string, unknown>[] = []
    const timer = setTimeout(
      () => reject(new Error(`${replies.length} replies to ${frames.length} frames`)),
      20_000
    )
    const onMessage = (data: WebSocket.RawData) => {
      replies.push(JSON.parse(String(data)))
      if (replies.length < frames.length) return
      clearTimeout(timer)
      ws.off('message', onMessage)
      resolve(replies)
    }
    ws.on('message', onMessage)
    for (const f of frames) {
      sent++
      ws.send(f)
    }
  })
}

const rng = new Prng(1234)
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]
const ALPHABET = '%/[]\\?#&=.:@!$\'"()*+,;~ aZ09\u00e9\u0000\u00ff\ud83d\ude00'

function randomPath(): string {
  let s = pick(['/', '//', '/%', '/ws', '/ws/', '/..', '/./', '//['])
  const n = Math.floor(rng.next() * 12)
  for (let i = 0; i < n; i++) {
    const r = rng.next()
    if (r < 0.3) s += `%${Math.floor(rng.next() * 256).toString(16)}`
    else if (r < 0.4) s += '%'
    else s += encodeURI(pick([...ALPHABET])).replace(/%25/g, '%')
  }
  return s.replace(/[\s\u0000]/g, '%00')
}

const VALUES = ['null', '1', '[]', '{}', '"x"', 'true', '{bad', '', '[1,2', '1e999', '-0']
const NAMES = ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', 'app:info']
const NAMES_MORE = [...NAMES, 'file:png', 'merge:start', 'nope', '', 'a'.repeat(5000)]

function randomFrame(): string {
  const r = rng.next()
  if (r < 0.25) return pick(VALUES)
  const frame: Record<string, unknown> = {}
  if (rng.next() < 0.8) frame.id = pick([1, -1, 2.5, 'x', null, {}, [], 1e308, 'y'.repeat(100)])
  if (rng.next() < 0.9) frame.channel = pick<unknown>([...NAMES_MORE, 1, null, {}, ['app:info']])
  if (rng.next() < 0.7)
    frame.arg = pick<unknown>([null, 1, 'x', [], {}, { path: '/etc/passwd' }, { dir: '/' }])
  const text = JSON.stringify(frame)
  return rng.next() < 0.1 ? text.slice(0, Math.floor(rng.next() * text.length)) : text
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-fuzz-'))
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>ok</title>')
  const real = createHandlers()
  const handlers: Handlers = {
    ...real,
    'predict:results': async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'x')")
    },
    'train:runs': () => new Promise((resolve) => setTimeout(() => resolve([]), 300))
  }
  host = await startWebHost({
    staticDir: dir,
    handlers,
    version: 'fuzz',
    initialDataset: null,
    token: TOKEN
  })
})
afterAll(async () => {
  await host?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('web host under fuzzing', () => {
  it('answers malformed paths with 400, plain and as upgrades, and still serves', async () => {
    for (const path of ['/%', '//[', '/%E0%A4%A', '/%zz', '/%00', '/a%2', '//[::1', '/\u00ff%']) {
      expect(await get(path)).toMatch(/^HTTP\/1\.1 40[034]/)
      expect(await upgrade(path)).toMatch(/^HTTP\/1\.1 40\d/)
    }
    expect(await get('/%')).toMatch(/ 400 /)
    expect(await upgrade('//[')).toMatch(/ 400 /)
    expect(await raw('GET http://evil.example/ HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/ 40\d /)
    expect(await raw('\u0000\u0001garbage\r\n\r\n')).toMatch(/ 400 |^$/)
    expect(await raw('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil\r\n\r\n')).toMatch(/ 40\d /)
    expect(await get('/')).toMatch(/ 200 /)
  })

  it('refuses missing, prefix, duplicate and wrong tokens, foreign Origin and Host', async () => {
    const ok = `127.0.0.1:${host.port}`
    const cases: [string, Record<string, string>, RegExp][] = [
      ['/ws', {}, / 401 /],
      ['/ws?token=', {}, / 401 /],
      [`/ws?token=${TOKEN.slice(0, -1)}`, {}, / 401 /],
      [`/ws?token=${TOKEN}x`, {}, / 401 /],
      [`/ws?token=${TOKEN}&token=${TOKEN}`, {}, / 401 /],
      [`/ws?token=${TOKEN}&token=bad`, {}, / 401 /],
      [`/wsx?token=${TOKEN}`, {}, / 401 /],
      [`/ws?token=${TOKEN}`, { Origin: 'http://evil.example' }, / 403 /],
      [`/ws?token=${TOKEN}`, { Origin: 'null' }, / 403 /],
      [`/ws?token=${TOKEN}`, { Origin: `http://${ok}.evil.example` }, / 403 /],
      [`/ws?token=${TOKEN}`, { Host: 'evil.example' }, / 403 /],
      [`/ws?token=${TOKEN}`, { Host: `evil.example:${host.port}` }, / 403 /],
      [`/ws?token=${TOKEN}`, { Host: `127.0.0.1.evil.example` }, / 403 /],
      [`/ws?token=${TOKEN}`, { Origin: `http://${ok}` }, / 101 /]
    ]
    for (const [path, headers, status] of cases)
      expect(await upgrade(path, headers)).toMatch(status)
    expect(await get('/', { Host: 'evil.example' })).toMatch(/ 403 /)
  })

  it('sends security headers with static files and says how to build when unbuilt', async () => {
    const res = await fetch(`http://127.0.0.1:${host.port}/index.html`)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/)
    expect(res.headers.get('content-security-policy')).toMatch(/object-src 'none'/)
    const empty = await mkdtemp(join(tmpdir(), 'unet-unbuilt-'))
    const bare = await startWebHost({
      staticDir: empty,
      handlers: createHandlers(),
      version: 'x',
      initialDataset: null
    })
    const text = await (await fetch(`http://127.0.0.1:${bare.port}/`)).text()
    await bare.close()
    await rm(empty, { recursive: true })
    expect(text).toMatch(/npm run build:web/)
  })

  it('answers every malformed frame with an error and never leaks internals', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const ws = await open()
    const fixed = [
      'null',
      '1',
      '[]',
      '{bad',
      '"str"',
      '{}',
      JSON.stringify({ id: 1, channel: 'toString' }),
      JSON.stringify({ id: 2, channel: '__proto__' }),
      JSON.stringify({ id: 3, channel: 'constructor', arg: {} }),
      JSON.stringify({ id: 4, channel: 'hasOwnProperty' }),
      JSON.stringify({ id: 5, channel: 'app:info', arg: 1 }),
      JSON.stringify({ id: 6, channel: 'file:png', arg: null }),
      JSON.stringify({ id: 7, channel: 'file:png', arg: { path: '/etc/passwd' } }),
      JSON.stringify({ id: 8, channel: 'predict:results', arg: { out: '/x' } }),
      JSON.stringify({ id: 9, channel: 'dataset:open', arg: { dir: '/' } }),
      '{"id":10,"channel":"app:info","__proto__":{"channel":"x"}}'
    ]
    const replies = await exchange(ws, fixed)
    expect(replies).toHaveLength(fixed.length)
    const byId = new Map(replies.map((r) => [r.id, r]))
    expect(byId.get(1)?.error).toMatch(/Unknown channel toString/)
    expect(byId.get(2)?.error).toMatch(/Unknown channel __proto__/)
    expect(byId.get(8)?.error).toMatch(/^Internal error while handling predict:results/)
    expect(logged).toHaveBeenCalledOnce()
    logged.mockRestore()
    expect(byId.get(9)?.error).toMatch(/no dataset found in \//)
    expect(byId.get(10)?.result).toMatchObject({ version: 'fuzz' })
    const random = Array.from({ length: 600 }, randomFrame)
    const more = await exchange(ws, random)
    for (const r of [...replies, ...more]) {
      expect(Object.keys(r).sort()).toEqual(['error' in r ? 'error' : 'result', 'id'].sort())
      expect(JSON.stringify(r)).not.toMatch(/\s+at \S+:\d+|TypeError|ReferenceError/)
    }
    ws.close()
  })

  it('answers random malformed requests and upgrades', async () => {
    const statuses = new Set<string>()
    for (let i = 0; i < 450; i++) {
      const path = randomPath()
      const line = await (rng.next() < 0.5 ? get(path) : upgrade(`${path}?token=${TOKEN}`))
      statuses.add(line.split(' ')[1] ?? '')
    }
    expect([...statuses].every((s) => /^(101|200|400|401|403|404)$/.test(s))).toBe(true)
  })

  it('closes a socket that sends a huge frame and limits requests in flight', async () => {
    const big = await open()
    const closed = new Promise<number>((resolve) => big.once('close', (code) => resolve(code)))
    big.on('error', () => undefined)
    sent++
    big.send(Buffer.alloc(MAX_FRAME_BYTES + 1024, 0x20))
    expect(await closed).toBe(1009)
    const ws = await open()
    const frames = Array.from({ length: MAX_IN_FLIGHT + 8 }, (_, i) =>
      JSON.stringify({ id: i, channel: 'train:runs', arg: { root: '/x' } })
    )
    const replies = await exchange(ws, frames)
    const busy = replies.filter((r) => /^Busy: /.test(String(r.error ?? '')))
    expect(busy).toHaveLength(8)
    ws.close()
  })

  it('still answers a good request after all of it', async () => {
    expect(sent).toBeGreaterThanOrEqual(1000)
    expect(await get('/')).toMatch(/ 200 /)
    const ws = await open()
    const [info] = await exchange(ws, [JSON.stringify({ id: 1, channel: 'app:info', arg: {} })])
    expect(info.result).toMatchObject({ version: 'fuzz', host: 'web' })
    ws.close()
  })
})
