/**
 * One contract call over plain HTTP (`POST /call?token=…`, body `{ id, channel, arg }`), for
 * requests that must outlive the page: the renderer sends a label it is still holding with
 * `fetch(…, { keepalive: true })` while the tab closes. Same token, Host and Origin rules as the
 * socket; no push events; the reply is `{ id, result }` or `{ id, error }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { parseArg } from '../src-preload/contract'
import type { HandlerContext, Handlers } from './handlers'
import { MAX_FRAME_BYTES, parseFrame, publicError } from './web-frames'
import { hostAllowed, originAllowed, parseTarget, tokenMatches } from './web-guard'

/** Path of the one-shot HTTP call. */
export const CALL_PATH = '/call'

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
  res.end(JSON.stringify(body))
}

/** Answers one `POST /call`; `ctx` is the handler context of the host (its `emit` does nothing). */
export async function serveCall(
  req: IncomingMessage,
  res: ServerResponse,
  handlers: Handlers,
  ctx: HandlerContext,
  token: string
): Promise<void> {
  const target = parseTarget(req.url)
  if (!target) return send(res, 400, { error: 'Bad request' })
  if (!hostAllowed(req) || !originAllowed(req)) return send(res, 403, { error: 'Forbidden' })
  if (!tokenMatches(target.query, token)) return send(res, 401, { error: 'Unauthorized' })
  if (req.method !== 'POST') return send(res, 405, { error: 'Use POST' })
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_FRAME_BYTES) return send(res, 413, { error: 'Request too large' })
    chunks.push(chunk)
  }
  const frame = parseFrame(Buffer.concat(chunks).toString('utf8'))
  if (!frame.ok) return send(res, 400, { id: frame.id, error: frame.error })
  const handler = handlers[frame.channel] as (a: unknown, c: HandlerContext) => Promise<unknown>
  try {
    send(res, 200, { id: frame.id, result: await handler(parseArg(frame.channel, frame.arg), ctx) })
  } catch (err) {
    send(res, 200, { id: frame.id, error: publicError(err, frame.channel) })
  }
}
