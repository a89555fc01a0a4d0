/**
 * Contract channel → service call, shared by the Electron IPC wiring and the web host.
 * Plain Node: nothing here imports Electron.
 */
import type { Channel, ChannelArg, ChannelResponse, EventName, EventPayload } from '../src-preload/contract'

/** Sends a push event to the renderer that made the request. */
export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void

/** Host-specific context handed to every handler. */
export interface HandlerContext {
  host: 'electron' | 'web'
  version: string
  initialDataset: string | null
  emit: Emit
}

/** A handler for every channel. */
export type Handlers = {
  [C in Channel]: (arg: ChannelArg<C>, ctx: HandlerContext) => Promise<ChannelResponse<C>>
}

/** Builds the handler table. */
export function createHandlers(): Handlers {
  return {
    'app:info': async (_arg, ctx) => ({
      version: ctx.version,
      host: ctx.host,
      initialDataset: ctx.initialDataset
    })
  }
}
