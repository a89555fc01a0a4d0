/**
 * Contract channel → service call, shared by the Electron IPC wiring and the web host.
 * Plain Node: nothing here imports Electron.
 */
import type { Channel, ChannelArg, ChannelResponse, EventName, EventPayload } from '../src-preload/contract'
import {
  findSample,
  readDisplayImage,
  readEffectiveLabel,
  saveEditedLabel
} from './data/label-store'

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


function toBase64(data: Uint8Array | Uint16Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64')
}

/** Builds the handler table. */
export function createHandlers(): Handlers {
  return {
    'app:info': async (_arg, ctx) => ({
      version: ctx.version,
      host: ctx.host,
      initialDataset: ctx.initialDataset
    }),
    'image:read': async ({ root, id }) => {
      const { bytes, ...img } = await readDisplayImage(root, await findSample(root, id))
      return { id, ...img, data: toBase64(bytes) }
    },
    'label:read': async ({ root, id }) => {
      const { data, ...label } = await readEffectiveLabel(root, await findSample(root, id))
      return { id, ...label, data: toBase64(data), bitDepth: data instanceof Uint16Array ? 16 : 8 }
    },
    'label:save': async ({ root, id, data, width, height, kind, bitDepth }) => {
      const sample = await findSample(root, id)
      const bytes = Buffer.from(data, 'base64')
      const pixels =
        bitDepth === 16
          ? new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length))
          : new Uint8Array(bytes)
      return { path: await saveEditedLabel(root, sample, { data: pixels, width, height, kind }) }
    }
  }
}
