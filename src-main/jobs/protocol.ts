/** Messages between a job host and its worker process (plain data only: no tensors, no functions). */
import type { EpochInfo, Preview, StepInfo } from '../engine/train/train-run'

/** Host → worker: start one job of a kind with its config, or ask it to stop cleanly. */
export type HostMessage = { type: 'start'; kind: string; config: unknown } | { type: 'stop' }

/** Worker → host: progress, previews, log lines, and the final result or error. */
export type WorkerMessage =
  | ({ type: 'step' } & StepInfo)
  | ({ type: 'epoch' } & EpochInfo)
  | { type: 'preview'; epoch: number; previews: Preview[] }
  | { type: 'progress'; [key: string]: unknown }
  | { type: 'log'; message: string }
  | { type: 'done'; result: unknown }
  | { type: 'error'; message: string; stack?: string }

/** What a job runner gets: a way to post messages and to ask whether a stop was requested. */
export interface JobContext {
  send: (msg: WorkerMessage) => void
  shouldStop: () => boolean
}

/** A job kind's implementation, run inside the worker. */
export type JobRunner = (config: unknown, ctx: JobContext) => Promise<unknown>

/** Whether a value looks like a host message. */
export function isHostMessage(value: unknown): value is HostMessage {
  const t = (value as { type?: unknown } | null)?.type
  return t === 'start' || t === 'stop'
}
