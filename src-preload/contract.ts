/**
 * The one typed contract between the renderer and the main side.
 *
 * Every request channel and push event lives here with its zod schema. Main (IPC and the web
 * host) validates each argument against it, the preload exposes one function per channel and
 * the renderer's API module is typed from it. No channel string is written anywhere else.
 */
import { z } from 'zod'

/** A request/response channel: the argument's schema and the (type-only) response. */
export interface ChannelSpec<A extends z.ZodType, R> {
  /** Schema of the single argument. */
  arg: A
  /** Phantom field carrying the response type. */
  response?: R
}

function channel<A extends z.ZodType, R>(arg: A): ChannelSpec<A, R> {
  return { arg }
}

/** What the host reports about itself. */
export interface AppInfo {
  /** App version from package.json. */
  version: string
  /** `electron` in the desktop app, `web` behind the web host. */
  host: 'electron' | 'web'
  /** Dataset folder opened at start (`--data`), if any. */
  initialDataset: string | null
}

/** A sample's image for the editor: PNG (8-bit) or raw little-endian samples (16-bit), base64. */
export interface ImagePayload {
  id: string
  format: 'png' | 'raw'
  /** Base64 of the PNG file or of the raw samples. */
  data: string
  width: number
  height: number
  channels: number
  bitDepth: 8 | 16
}

/** Kinds of editable label: binary 0/1, class indices, or instance ids. */
export type LabelKindName = 'binary' | 'classes' | 'instances'

/** A sample's effective label, raw: base64 of the typed array (8-bit, or 16-bit for instances). */
export interface LabelPayload {
  id: string
  data: string
  width: number
  height: number
  kind: LabelKindName
  bitDepth: 8 | 16
  /** Edited label, the dataset's own masks, or empty. */
  source: 'edited' | 'dataset' | 'empty'
  path: string | null
}

const sampleRef = z.object({ root: z.string().min(1), id: z.string().min(1) })
const labelSave = sampleRef.extend({
  data: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  kind: z.enum(['binary', 'classes', 'instances']),
  bitDepth: z.union([z.literal(8), z.literal(16)])
})

/** Request/response channels, `domain:verb`. */
export const channels = {
  /** Version, host kind and the dataset opened at start. */
  'app:info': channel<z.ZodObject<Record<string, never>>, AppInfo>(z.object({})),
  /** A sample's image for display (only files inside the dataset root). */
  'image:read': channel<typeof sampleRef, ImagePayload>(sampleRef),
  /** A sample's effective label: edited if present, else the dataset's own, else empty. */
  'label:read': channel<typeof sampleRef, LabelPayload>(sampleRef),
  /** Saves an edited label atomically to `<root>/.unet-studio/labels/<id>.png`. */
  'label:save': channel<typeof labelSave, { path: string }>(labelSave)
} as const

/** Push events from main to the renderer, with their payload schemas. */
export const events = {
  /** Progress of a long job (train, predict, merge). */
  'job:progress': z.object({
    jobId: z.string(),
    kind: z.string(),
    message: z.record(z.string(), z.unknown())
  })
} as const

/** Name of a request channel. */
export type Channel = keyof typeof channels
/** Name of a push event. */
export type EventName = keyof typeof events
/** Argument type of a channel. */
export type ChannelArg<C extends Channel> = z.input<(typeof channels)[C]['arg']>
/** Response type of a channel. */
export type ChannelResponse<C extends Channel> = NonNullable<(typeof channels)[C]['response']>
/** Payload type of an event. */
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>

/** The API the renderer sees: one function per channel, plus event subscription. */
export type Api = { [C in Channel]: (arg: ChannelArg<C>) => Promise<ChannelResponse<C>> } & {
  /** Subscribes to a push event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

/** Channel names, for wiring loops in preload, IPC and the web host. */
export const channelNames = Object.keys(channels) as Channel[]
/** Event names, for wiring loops. */
export const eventNames = Object.keys(events) as EventName[]
