/**
 * What the desktop window may do, as plain values and functions (no Electron import, so the
 * tests check them directly): the `app://` origin the UI is served from, the window's web
 * preferences, the permissions granted (none), the only external host links may open, and
 * which frames may call the contract.
 */
import { extname, join, normalize, sep } from 'node:path'

/** Custom scheme serving the built renderer (instead of `file://`). */
export const APP_SCHEME = 'app'
/** Origin of the UI in the desktop app. */
export const APP_ORIGIN = 'app://renderer'
/**
 * The project's documentation host, the only place links may open in the system browser. The
 * project has no documentation site yet: `.example` is reserved, so nothing opens until it is set.
 */
export const DOCS_ORIGIN = 'https://docs.unet-studio.example'
/** Permissions the UI uses (none: no camera, microphone, notifications, geolocation…). */
export const ALLOWED_PERMISSIONS: readonly string[] = []

/** Web preferences of the app window: isolated, sandboxed, no Node, nothing relaxed. */
export const WINDOW_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
  spellcheck: false
} as const

/** Whether a permission (request or check) is granted: only those the app uses. */
export function permissionAllowed(permission: string): boolean {
  return ALLOWED_PERMISSIONS.includes(permission)
}

/** Whether `url` may open in the system browser: https on the documentation host only. */
export function isDocsUrl(url: string): boolean {
  try {
    const u = new URL(url)
    return u.protocol === 'https:' && u.origin === DOCS_ORIGIN && !u.username && !u.password
  } catch {
    return false
  }
}

/** The dev server URL (`ELECTRON_RENDERER_URL`), honoured only when not packaged and on loopback. */
export function devServerUrl(packaged: boolean, envUrl: string | undefined): string | null {
  if (packaged || !envUrl) return null
  try {
    const u = new URL(envUrl)
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)
    return u.protocol === 'http:' && loopback ? u.toString() : null
  } catch {
    return null
  }
}

/** The URL the window loads: the dev server in development, else the app scheme. */
export function rendererUrl(packaged: boolean, envUrl: string | undefined): string {
  return devServerUrl(packaged, envUrl) ?? `${APP_ORIGIN}/index.html`
}

/** Origins whose top frame may call the contract: the app's, plus the dev server's in development. */
export function trustedOrigins(packaged: boolean, envUrl: string | undefined): string[] {
  const dev = devServerUrl(packaged, envUrl)
  return dev ? [APP_ORIGIN, originOf(dev)!] : [APP_ORIGIN]
}

/** Scheme and host of a URL (Node's `origin` is "null" for custom schemes such as app:). */
function originOf(url: string): string | null {
  try {
    const u = new URL(url)
    return u.host ? `${u.protocol}//${u.host}` : null
  } catch {
    return null
  }
}

/** Whether a frame URL belongs to one of `origins`. */
export function fromTrustedOrigin(url: string, origins: readonly string[]): boolean {
  const origin = originOf(url)
  return origin !== null && origins.includes(origin)
}

/**
 * The file inside `rendererDir` that an `app://renderer/…` URL names (`index.html` for `/`), or
 * null for another host, a bad escape or a path leading out of the folder.
 */
export function appFilePath(rendererDir: string, url: string): string | null {
  let u: URL
  let path: string
  try {
    u = new URL(url)
    path = decodeURIComponent(u.pathname)
  } catch {
    return null
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== 'renderer' || path.includes('\0')) return null
  const root = normalize(rendererDir)
  const rel = normalize(path).replace(/^([/\\])+/, '')
  const file = join(root, rel === '' ? 'index.html' : rel)
  return file.startsWith(root + sep) && extname(file) !== '' ? file : null
}
