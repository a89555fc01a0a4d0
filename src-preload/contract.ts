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

/** Request/response channels, `domain:verb`. */
export const channels = {
  /** Version, host kind and the dataset opened at start. */
  'app:info': channel<z.ZodObject<Record<string, never>>, AppInfo>(z.object({}))
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
