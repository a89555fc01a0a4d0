/**
 * Request checks of the web host, as pure functions: the request target parsed without
 * throwing, the token compared in constant time, Host and Origin held to the loopback origin
 * the host serves, and the security headers of static responses.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** The parts of a request the checks read. */
export type RequestHead = Pick<IncomingMessage, 'headers' | 'rawHeaders'>

/** Host names a browser may use to reach the host (it listens on 127.0.0.1 only). */
export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]']

/** Content Security Policy of the served UI (the same as the Electron window's). */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')

/** Headers sent with every static response: no sniffing, no framing, no referrer, the CSP. */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': WEB_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store'
}

/** A request target split into its decoded path and its query. */
export interface Target {
  pathname: string
  query: URLSearchParams
}

/** Characters of a path in origin-form (RFC 3986 pchar and `/`, percent-escapes apart). */
const PATH_CHARS = /^(?:[\w\-.~!$&'()*+,;=:@/]|%[0-9a-fA-F]{2})*$/

/**
 * Parses a request target (`/path?query`) without throwing: null for anything malformed (not
 * origin-form, `//` or a character outside RFC 3986 in the path, a bad percent-encoding, a NUL
 * byte), which the host answers with 400.
 */
export function parseTarget(raw: string | undefined): Target | null {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.length > 8192) return null
  const q = raw.indexOf('?')
  if (!PATH_CHARS.test(q < 0 ? raw : raw.slice(0, q))) return null
  try {
    const url = new URL(`http://127.0.0.1${raw}`)
    const pathname = decodeURIComponent(url.pathname)
    if (pathname.includes('\0')) return null
    return { pathname, query: url.searchParams }
  } catch {
    return null
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest()
}

/** True when the query holds exactly one `token` equal to `token` (compared in constant time). */
export function tokenMatches(query: URLSearchParams, token: string): boolean {
  const given = query.getAll('token')
  if (given.length !== 1) return false
  return timingSafeEqual(digest(given[0]), digest(token))
}

/** True when one Host header names a loopback host (no DNS rebinding onto the host). */
export function hostAllowed(req: RequestHead): boolean {
  const host = req.headers.host
  const count = req.rawHeaders.filter((h, i) => i % 2 === 0 && h.toLowerCase() === 'host').length
  if (count !== 1 || !host || !/^[\w.:[\]-]+$/.test(host)) return false
  try {
    const url = new URL(`http://${host}`)
    return LOOPBACK_HOSTS.includes(url.hostname) && url.host === host.toLowerCase()
  } catch {
    return false
  }
}

/**
 * True when the request carries no Origin (not a browser) or the origin of the page this host
 * served, `http://<Host>`: a page from any other origin cannot talk to the host.
 */
export function originAllowed(req: RequestHead): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true
  return hostAllowed(req) && origin.toLowerCase() === `http://${req.headers.host?.toLowerCase()}`
}
