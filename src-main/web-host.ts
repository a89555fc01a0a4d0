/**
 * The web host: serves the built renderer and the contract over a WebSocket on 127.0.0.1,
 * guarded by a random token. Plain Node; `server.ts` is its command-line entry.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import type { Duplex } from 'node:stream'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { parseArg } from '../src-preload/contract'
import type { HandlerContext, Handlers } from './handlers'
import { CALL_PATH, serveCall } from './web-call'
import type { JobRegistry } from './services/job-service'
import { MAX_FRAME_BYTES, MAX_IN_FLIGHT, parseFrame, publicError, type FrameId } from './web-frames'
import {
  hostAllowed,
  originAllowed,
  parseTarget,
  SECURITY_HEADERS,
  tokenMatches
} from './web-guard'

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
  /** The handlers' jobs: every connected socket gets their events, from the moment it connects. */
  jobs?: JobRegistry
}

/** A running web host. */
export interface WebHost {
  url: string
  port: number
  token: string
  server: Server
  close(): Promise<void>
}

/** What the host says when the UI has not been built. */
export const NOT_BUILT =
  'The UI is not built: run "npm run build:web" (or "npm start", which builds and serves).'

function plain(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) return void res.end()
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS })
  res.end(text)
}

/** Answers a static file request; every failure is a status code, never a thrown error. */
async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse) {
  if (!hostAllowed(req) || !originAllowed(req))
    return plain(res, 403, 'Forbidden: unknown Host or Origin')
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method not allowed')
  const target = parseTarget(req.url)
  if (!target) return plain(res, 400, 'Bad request')
  const rel = normalize(target.pathname).replace(/^([/\\])+/, '')
  const file = join(root, rel === '' ? 'index.html' : rel)
  if (!file.startsWith(root + sep) && file !== root) return plain(res, 403, 'Forbidden')
  try {
    const info = await stat(file)
    const path = info.isDirectory() ? join(file, 'index.html') : file
    const body = await readFile(path)
    res.writeHead(200, {
      'Content-Type': MIME[extname(path)] ?? 'application/octet-stream',
      ...SECURITY_HEADERS
    })
    res.end(req.method === 'HEAD' ? undefined : body)
  } catch {
    const built = await stat(join(root, 'index.html')).then(
      () => true,
      () => false
    )
    plain(res, 404, built ? 'Not found' : NOT_BUILT)
  }
}

/** Refuses an upgrade with a bare HTTP status line. */
function refuse(socket: Duplex, status: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`)
  socket.destroy()
}

/** Starts the web host on 127.0.0.1. */
export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(16).toString('hex')
  const root = resolve(opts.staticDir)
  const callContext: HandlerContext = {
    host: 'web',
    version: opts.version,
    initialDataset: opts.initialDataset,
    startJob: opts.startJob,
    emit: () => undefined
  }
  const server = createServer((req, res) => {
    const served = req.url?.startsWith(`${CALL_PATH}?`)
      ? serveCall(req, res, opts.handlers, callContext, token)
      : serveStatic(root, req, res)
    served.catch(() => plain(res, 500, 'Internal error'))
  })
  server.on('clientError', (_err, socket) => refuse(socket, '400 Bad Request'))
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES })
  wss.on('error', () => undefined)
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy())
    try {
      const target = parseTarget(req.url)
      if (!target) return refuse(socket, '400 Bad Request')
      if (!hostAllowed(req) || !originAllowed(req)) return refuse(socket, '403 Forbidden')
      if (target.pathname !== '/ws' || !tokenMatches(target.query, token))
        return refuse(socket, '401 Unauthorized')
      wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, opts))
    } catch {
      refuse(socket, '400 Bad Request')
    }
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
  const unsubscribe = opts.jobs?.subscribe(ctx.emit)
  ws.on('close', () => unsubscribe?.())
  let inFlight = 0
  const reply = (id: FrameId, body: object) => {
    if (ws.readyState !== ws.OPEN) return
    try {
      ws.send(JSON.stringify({ id, ...body }))
    } catch (err) {
      ws.send(JSON.stringify({ id, error: publicError(err, 'reply') }))
    }
  }
  ws.on('error', () => ws.terminate())
  ws.on('message', (data: RawData, isBinary: boolean) => {
    const frame = isBinary
      ? ({ ok: false, id: null, error: 'Bad request: binary frames are not accepted' } as const)
      : parseFrame(String(data))
    if (!frame.ok) return reply(frame.id, { error: frame.error })
    if (inFlight >= MAX_IN_FLIGHT)
      return reply(frame.id, { error: `Busy: ${MAX_IN_FLIGHT} requests already in flight` })
    inFlight++
    const handler = opts.handlers[frame.channel] as (
      a: unknown,
      c: HandlerContext
    ) => Promise<unknown>
    Promise.resolve()
      .then(() => handler(parseArg(frame.channel, frame.arg), ctx))
      .then(
        (result) => reply(frame.id, { result }),
        (err: unknown) => {
          const error = publicError(err, frame.channel)
          if (error.startsWith('Internal error')) console.error(err)
          reply(frame.id, { error })
        }
      )
      .finally(() => inFlight--)
  })
}
