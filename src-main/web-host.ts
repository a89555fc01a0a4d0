/**
 * The web host: serves the built renderer and the contract over a WebSocket on 127.0.0.1,
 * guarded by a random token. Plain Node; `server.ts` is its command-line entry.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { randomBytes } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { channels, parseArg, type Channel } from '../src-preload/contract'
import type { HandlerContext, Handlers } from './handlers'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2'
}

/** Options for {@link startWebHost}. */
export interface WebHostOptions {
  /** Folder holding the built renderer (`out/web`). */
  staticDir: string
  handlers: Handlers
  version: string
  initialDataset: string | null
  /** 0 picks a free port. */
  port?: number
  /** Fixed token (tests); random when omitted. */
  token?: string
  /** Job launcher handed to the handlers (default: child_process.fork). */
  startJob?: HandlerContext['startJob']
}

/** A running web host. */
export interface WebHost {
  url: string
  port: number
  token: string
  server: Server
  close(): Promise<void>
}

/** One WebSocket frame from the browser: a request. */
interface RequestFrame {
  id: number
  channel: string
  arg: unknown
}

function tokenOk(req: IncomingMessage, token: string): boolean {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  return url.searchParams.get('token') === token
}

/** Starts the web host on 127.0.0.1. */
export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(16).toString('hex')
  const root = resolve(opts.staticDir)
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '')
    const file = join(root, rel === '' ? 'index.html' : rel)
    if (!file.startsWith(root + sep) && file !== root) {
      res.writeHead(403).end('Forbidden')
      return
    }
    try {
      const info = await stat(file)
      const path = info.isDirectory() ? join(file, 'index.html') : file
      const body = await readFile(path)
      res.writeHead(200, {
        'Content-Type': MIME[extname(path)] ?? 'application/octet-stream',
        'Cache-Control': 'no-store'
      })
      res.end(body)
    } catch {
      res.writeHead(404).end('Not found')
    }
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 * 1024 })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname !== '/ws' || !tokenOk(req, token)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\n\r\n')
      socket.destroy()
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, opts))
  })
  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    server,
    close: () =>
      new Promise<void>((ok) => {
        for (const client of wss.clients) client.terminate()
        wss.close()
        server.close(() => ok())
      })
  }
}

function serveSocket(ws: WebSocket, opts: WebHostOptions): void {
  const ctx: HandlerContext = {
    host: 'web',
    version: opts.version,
    initialDataset: opts.initialDataset,
    startJob: opts.startJob,
    emit: (event, payload) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }))
    }
  }
  ws.on('message', async (data) => {
    let frame: RequestFrame
    try {
      frame = JSON.parse(String(data)) as RequestFrame
    } catch {
      return
    }
    const reply = (body: object) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: frame.id, ...body }))
    }
    if (!(frame.channel in channels)) {
      reply({ error: `Unknown channel ${frame.channel}` })
      return
    }
    const name = frame.channel as Channel
    try {
      const arg = parseArg(name, frame.arg)
      const handler = opts.handlers[name] as (a: unknown, c: HandlerContext) => Promise<unknown>
      reply({ result: await handler(arg, ctx) })
    } catch (err) {
      reply({ error: err instanceof Error ? err.message : String(err) })
    }
  })
}
