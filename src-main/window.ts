/**
 * The app window and its session: isolated and sandboxed, served from `app://` with the CSP,
 * every permission denied but those the app uses, navigation and new windows denied (links to
 * the documentation host open in the system browser). The rules live in `window-policy.ts`.
 */
import { app, BrowserWindow, dialog, net, protocol, session, shell, type Session } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { SECURITY_HEADERS } from './web-guard'
import {
  APP_SCHEME,
  appFilePath,
  isDocsUrl,
  permissionAllowed,
  rendererUrl,
  WINDOW_PREFERENCES
} from './window-policy'

/** Declares `app://` a standard, secure scheme; call before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }
  ])
}

/** Serves the built renderer folder on `app://renderer/`, every response with the CSP headers. */
export function serveAppScheme(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = appFilePath(rendererDir, request.url)
    if (!file) return new Response('Not found', { status: 404, headers: SECURITY_HEADERS })
    const res = await net.fetch(pathToFileURL(file).toString())
    const headers = new Headers(res.headers)
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value)
    return new Response(res.body, { status: res.status, headers })
  })
}

/** Denies every permission request and check the app does not use, and every device. */
export function lockSession(ses: Session): void {
  ses.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(permissionAllowed(permission))
  )
  ses.setPermissionCheckHandler((_contents, permission) => permissionAllowed(permission))
  ses.setDevicePermissionHandler(() => false)
}

/** Creates the main window and loads the renderer (the dev server only when not packaged). */
export function createMainWindow(): BrowserWindow {
  lockSession(session.defaultSession)
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    title: 'UNet Studio',
    autoHideMenuBar: true,
    webPreferences: {
      ...WINDOW_PREFERENCES,
      preload: join(import.meta.dirname, '../preload/index.cjs')
    }
  })
  win.on('ready-to-show', () => win.show())
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isDocsUrl(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (event) => event.preventDefault())
  win.webContents.on('will-redirect', (event) => event.preventDefault())
  win.webContents.on('will-attach-webview', (event) => event.preventDefault())
  // the renderer holds the close while a label is still being saved: ask, as a browser would
  win.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question',
      buttons: ['Leave', 'Stay'],
      defaultId: 1,
      cancelId: 1,
      message: 'A label is still being saved.',
      detail: 'Leave now and the last edit may not reach the disk.'
    })
    if (choice === 0) event.preventDefault()
  })
  void win.loadURL(rendererUrl(app.isPackaged, process.env.ELECTRON_RENDERER_URL))
  return win
}
