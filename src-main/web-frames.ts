/**
 * WebSocket request frames of the web host, as pure functions: a frame is parsed into a known
 * channel or an error reply, and errors are turned into messages fit for the page (no stack
 * traces, no internal TypeErrors).
 */
import { channels, type Channel } from '../src-preload/contract'

/** Largest frame the host accepts (a label of a 48-megapixel image, base64, fits). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024
/** Requests one socket may have in flight; more are answered with a busy error. */
export const MAX_IN_FLIGHT = 32

/** A request id as the page sends it: a number or a short string. */
export type FrameId = number | string | null

/** A frame read as a request, or the error to answer it with. */
export type ParsedFrame =
  | { ok: true; id: FrameId; channel: Channel; arg: unknown }
  | { ok: false; id: FrameId; error: string }

function printable(value: string): string {
  const short = value.length > 64 ? `${value.slice(0, 64)}…` : value
  return short.replace(/[^\x20-\x7e]/g, '?')
}

function frameId(value: unknown): FrameId | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && value.length <= 64) return value
  return undefined
}

/** Reads one frame: `{ id, channel, arg }` with `channel` an own name of the contract. */
export function parseFrame(text: string): ParsedFrame {
  let frame: unknown
  try {
    frame = JSON.parse(text)
  } catch {
    return { ok: false, id: null, error: 'Bad request: the frame is not JSON' }
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame))
    return { ok: false, id: null, error: 'Bad request: a frame is an object { id, channel, arg }' }
  const record = frame as Record<string, unknown>
  const id = frameId(record.id)
  if (id === undefined)
    return { ok: false, id: null, error: 'Bad request: id must be a number or a short string' }
  const name = record.channel
  if (typeof name !== 'string') return { ok: false, id, error: 'Bad request: channel missing' }
  if (!Object.hasOwn(channels, name))
    return { ok: false, id, error: `Unknown channel ${printable(name)}` }
  return { ok: true, id, channel: name as Channel, arg: record.arg }
}

const INTERNAL = [TypeError, RangeError, ReferenceError, SyntaxError, EvalError]

/**
 * The message a page sees for a failed request: the error's own message (which names the
 * file and the reason) without stack lines; programming errors become a generic message.
 */
export function publicError(err: unknown, channel: string): string {
  const internal =
    !(err instanceof Error) ||
    INTERNAL.some((kind) => Object.getPrototypeOf(err) === kind.prototype)
  if (internal) return `Internal error while handling ${channel}; the host's log has the details`
  const message = err.message.split(/\n\s+at /)[0].trim()
  return message.length > 4000 ? `${message.slice(0, 4000)}…` : message || 'Request failed'
}
