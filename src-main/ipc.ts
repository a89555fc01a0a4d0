/** IPC wiring: one handler per contract channel, with a sender check and schema validation. */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { channelNames, parseArg } from '../src-preload/contract'
import type { HandlerContext, Handlers } from './handlers'

/** Registers every contract channel for the given window. */
export function registerIpc(
  win: BrowserWindow,
  handlers: Handlers,
  ctx: Omit<HandlerContext, 'emit'>
): void {
  const emit: HandlerContext['emit'] = (event, payload) => {
    if (!win.isDestroyed()) win.webContents.send(event, payload)
  }
  for (const name of channelNames) {
    ipcMain.handle(name, async (event: IpcMainInvokeEvent, raw: unknown) => {
      if (event.sender.id !== win.webContents.id) throw new Error('Untrusted IPC sender')
      const arg = parseArg(name, raw)
      const handler = handlers[name] as (a: unknown, c: HandlerContext) => Promise<unknown>
      return handler(arg, { ...ctx, emit })
    })
  }
}
