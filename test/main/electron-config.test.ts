/**
 * The Electron shell's security configuration, checked with `electron` stubbed (vi.mock): these
 * tests prove what the code asks Electron for (window options, handlers, protocol, fuses), not
 * how a running app behaves.
 */
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it, vi } from 'vitest'

type Listener = (...args: unknown[]) => unknown

const stub = vi.hoisted(() => {
  const state = {
    windows: [] as {
      options: Record<string, unknown>
      events: Map<string, Listener>
      url?: string
    }[],
    opened: [] as string[],
    schemes: [] as unknown[],
    protocolHandler: null as null | ((req: { url: string }) => Promise<Response>),
    permissionRequest: null as null | Listener,
    permissionCheck: null as null | Listener,
    deviceCheck: null as null | Listener,
    windowOpen: null as null | ((d: { url: string }) => { action: string }),
    ipc: new Map<string, Listener>(),
    packaged: false
  }
  return state
})

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: Record<string, unknown>
    constructor(options: Record<string, unknown>) {
      const events = new Map<string, Listener>()
      const record: (typeof stub.windows)[number] = { options, events }
      stub.windows.push(record)
      this.webContents = {
        id: 7,
        mainFrame: { processId: 1, routingId: 1 },
        setWindowOpenHandler: (h: typeof stub.windowOpen) => (stub.windowOpen = h),
        on: (event: string, l: Listener) => events.set(event, l),
        send: () => undefined
      }
      Object.assign(this, { loadURL: async (url: string) => (record.url = url) })
    }
    on(): void {}
    isDestroyed(): boolean {
      return false
    }
  }
  const session = {
    defaultSession: {
      setPermissionRequestHandler: (h: Listener) => (stub.permissionRequest = h),
      setPermissionCheckHandler: (h: Listener) => (stub.permissionCheck = h),
      setDevicePermissionHandler: (h: Listener) => (stub.deviceCheck = h)
    }
  }
  return {
    app: {
      get isPackaged() {
        return stub.packaged
      }
    },
    BrowserWindow,
    session,
    shell: { openExternal: async (url: string) => void stub.opened.push(url) },
    net: {
      fetch: async (url: string) =>
        new Response(readFileSync(new URL(url)), { headers: { 'Content-Type': 'text/html' } })
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => stub.schemes.push(...s),
      handle: (_scheme: string, h: typeof stub.protocolHandler) => (stub.protocolHandler = h)
    },
    ipcMain: { handle: (name: string, h: Listener) => stub.ipc.set(name, h) }
  }
})

const { createMainWindow, registerAppScheme, serveAppScheme } =
  await import('../../src-main/window')
const { registerIpc } = await import('../../src-main/ipc')
const { DOCS_ORIGIN } = await import('../../src-main/window-policy')

beforeEach(() => {
  stub.windows.length = 0
  stub.opened.length = 0
  stub.packaged = false
  delete process.env.ELECTRON_RENDERER_URL
})

describe('Electron configuration (electron stubbed: proves the configuration, not a running app)', () => {
  it('configures an isolated, sandboxed window without Node or relaxed web security', () => {
    createMainWindow()
    const prefs = stub.windows[0].options.webPreferences as Record<string, unknown>
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false
    })
    expect(prefs).not.toHaveProperty('enableBlinkFeatures')
    expect(String(prefs.preload)).toMatch(/preload\/index\.cjs$/)
  })

  it('configures navigation, redirects and webviews to be prevented', () => {
    createMainWindow()
    const { events } = stub.windows[0]
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const event = { preventDefault: vi.fn() }
      events.get(name)!(event, 'https://evil.example/')
      expect(event.preventDefault, name).toHaveBeenCalled()
    }
  })

  it('configures new windows to be denied; only the documentation host opens externally', () => {
    createMainWindow()
    for (const url of [
      'https://evil.example/',
      'http://docs.unet-studio.example/',
      `${DOCS_ORIGIN}.evil.example/x`,
      'file:///etc/passwd',
      'javascript:alert(1)'
    ])
      expect(stub.windowOpen!({ url })).toEqual({ action: 'deny' })
    expect(stub.opened).toEqual([])
    expect(stub.windowOpen!({ url: `${DOCS_ORIGIN}/guide` })).toEqual({ action: 'deny' })
    expect(stub.opened).toEqual([`${DOCS_ORIGIN}/guide`])
  })

  it('configures every permission request and check to be denied', () => {
    createMainWindow()
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      const callback = vi.fn()
      stub.permissionRequest!({}, permission, callback)
      expect(callback).toHaveBeenCalledWith(false)
      expect(stub.permissionCheck!({}, permission)).toBe(false)
    }
    expect(stub.deviceCheck!({})).toBe(false)
  })

  it('configures the app:// scheme with the CSP instead of file://, and the dev URL only unpackaged', async () => {
    registerAppScheme()
    expect(stub.schemes).toContainEqual({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true }
    })
    const dir = await mkdtemp(join(tmpdir(), 'unet-app-'))
    await mkdir(join(dir, 'assets'))
    await writeFile(join(dir, 'index.html'), '<!doctype html>')
    serveAppScheme(dir)
    const ok = await stub.protocolHandler!({ url: 'app://renderer/index.html' })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('content-security-policy')).toMatch(/object-src 'none'; base-uri 'none'/)
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff')
    for (const url of [
      'app://renderer/../../etc/passwd',
      'app://renderer/%2e%2e/%2e%2e/etc/passwd',
      'app://other/index.html',
      'app://renderer/%E0%A4%A'
    ])
      expect((await stub.protocolHandler!({ url })).status, url).toBe(404)
    await rm(dir, { recursive: true })
    createMainWindow()
    expect(stub.windows[0].url).toBe('app://renderer/index.html')
    process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173/'
    createMainWindow()
    expect(stub.windows[1].url).toBe('http://localhost:5173/')
    stub.packaged = true
    createMainWindow()
    expect(stub.windows[2].url).toBe('app://renderer/index.html')
  })

  it('configures IPC to accept only the top frame of the app window from a trusted origin', async () => {
    const win = createMainWindow()
    const handlers = { 'app:info': async () => ({ ok: true }) } as never
    registerIpc(() => win, handlers, { host: 'electron', version: 't', initialDataset: null }, [
      'app://renderer'
    ])
    const invoke = stub.ipc.get('app:info')!
    const top = { processId: 1, routingId: 1, url: 'app://renderer/index.html' }
    const sender = { id: 7 }
    await expect(invoke({ sender, senderFrame: top }, {})).resolves.toEqual({ ok: true })
    const refused = [
      { sender: { id: 8 }, senderFrame: top },
      { sender, senderFrame: { ...top, routingId: 2 } },
      { sender, senderFrame: { ...top, url: 'https://evil.example/' } },
      { sender, senderFrame: { ...top, url: 'file:///index.html' } },
      { sender, senderFrame: null }
    ]
    for (const event of refused)
      await expect(invoke(event, {})).rejects.toThrow(/Untrusted IPC sender/)
  })

  it('configures fuses in electron-builder.yml and a meta CSP without objects or base URIs', () => {
    const root = join(import.meta.dirname, '../..')
    const builder = readFileSync(join(root, 'electron-builder.yml'), 'utf8')
    for (const line of [
      'runAsNode: false',
      'enableNodeOptionsEnvironmentVariable: false',
      'enableNodeCliInspectArguments: false',
      'enableEmbeddedAsarIntegrityValidation: true',
      'onlyLoadAppFromAsar: true',
      'enableCookieEncryption: true',
      'grantFileProtocolExtraPrivileges: false'
    ])
      expect(builder).toContain(`\n  ${line}\n`)
    const html = readFileSync(join(root, 'src-renderer/index.html'), 'utf8')
    const csp = /Content-Security-Policy"\s+content="([^"]+)"/.exec(html)![1]
    expect(csp).toMatch(/object-src 'none'/)
    expect(csp).toMatch(/base-uri 'none'/)
    expect(csp).toMatch(/script-src 'self';/)
    expect(csp).not.toMatch(/ws:|unsafe-eval|\*/)
  })
})
