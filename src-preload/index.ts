/** Preload: exposes one function per contract channel and an `on` that returns unsubscribe. */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { channelNames, eventNames, type EventName } from './contract'

const api: Record<string, unknown> = {}
for (const name of channelNames) {
  api[name] = (arg: unknown) => ipcRenderer.invoke(name, arg ?? {})
}
api.on = (event: EventName, listener: (payload: unknown) => void) => {
  if (!eventNames.includes(event)) throw new Error(`Unknown event ${event}`)
  const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload)
  ipcRenderer.on(event, wrapped)
  return () => ipcRenderer.removeListener(event, wrapped)
}

contextBridge.exposeInMainWorld('api', api)
