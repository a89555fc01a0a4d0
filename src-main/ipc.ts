/** IPC wiring: one handler per contract channel, with a sender check and schema validation. */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { channelNames, parseArg } from '../src-preload/contract'
import type { HandlerContext, Handlers } from './handlers'

/**
 * Registers every contract channel once. Only the current app window (`getWin()`, which may be
 * recreated on macOS) may call them; its renderer gets the push events.
 */
export function registerIpc(
  getWin: () => BrowserWindow | null,
  handlers: Handlers,
  ctx: Omit<HandlerContext, 'emit'>
): void {
  const emit: HandlerContext['emit'] = (event, payload) => {
    const win = getWin()
    if (win && !win.isDestroyed()) win.webContents.send(event, payload)
  }
  for (const name of channelNames) {
    ipcMain.handle(name, async (event: IpcMainInvokeEvent, raw: unknown) => {
      const win = getWin()
      if (!win || win.isDestroyed() || event.sender.id !== win.webContents.id)
        throw new Error('Untrusted IPC sender')
      const arg = parseArg(name, raw)
      const handler = handlers[name] as (a: unknown, c: HandlerContext) => Promise<unknown>
      return handler(arg, { ...ctx, emit })
    })
  }
}
