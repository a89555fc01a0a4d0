/** IPC wiring: one handler per contract channel, with a sender check and schema validation. */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { channelNames, parseArg } from '../src-preload/contract'
import type { HandlerContext, Handlers } from './handlers'
import type { JobRegistry } from './services/job-service'
import { fromTrustedOrigin } from './window-policy'

/**
 * Whether an invoke comes from the top frame of the current app window, showing a page of a
 * trusted origin (`app://renderer`, or the dev server in development): not another window, not
 * a sub-frame, not a page the window was somehow navigated to.
 */
export function trustedSender(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  win: BrowserWindow | null,
  origins: readonly string[]
): boolean {
  const frame = event.senderFrame
  if (!win || win.isDestroyed() || !frame) return false
  const top = win.webContents.mainFrame
  return (
    event.sender.id === win.webContents.id &&
    frame.processId === top.processId &&
    frame.routingId === top.routingId &&
    fromTrustedOrigin(frame.url, origins)
  )
}

/**
 * Registers every contract channel once. Only the top frame of the current app window
 * (`getWin()`, which may be recreated on macOS) from a trusted origin may call them; its renderer
 * gets the push events, every job's of `jobs` included.
 */
export function registerIpc(
  getWin: () => BrowserWindow | null,
  handlers: Handlers,
  ctx: Omit<HandlerContext, 'emit'>,
  origins: readonly string[],
  jobs: JobRegistry | null = null
): void {
  const emit: HandlerContext['emit'] = (event, payload) => {
    const win = getWin()
    if (win && !win.isDestroyed()) win.webContents.send(event, payload)
  }
  jobs?.subscribe(emit)
  for (const name of channelNames) {
    ipcMain.handle(name, async (event: IpcMainInvokeEvent, raw: unknown) => {
      if (!trustedSender(event, getWin(), origins)) throw new Error('Untrusted IPC sender')
      const arg = parseArg(name, raw)
      const handler = handlers[name] as (a: unknown, c: HandlerContext) => Promise<unknown>
      return handler(arg, { ...ctx, emit })
    })
  }
}
