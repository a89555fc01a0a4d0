/**
 * One running job, whatever process runs it: the settle, stop, close and kill logic, written once.
 * A transport (`child_process.fork` in `job-host.ts`, Electron's utilityProcess in
 * `utility-jobs.ts`) only moves messages and reports the worker's exit.
 */
import {
  jobEvent,
  jobSpec,
  type HostMessage,
  type JobEvent,
  type JobKind,
  type JobResult,
  type JobSpec,
  type JobSpecInput
} from '../../src-preload/job-events'
import { issuesText, parseOptions } from '../../src-preload/options/common'

/** How long {@link JobHandle.close} waits for a stopped job to save and end before killing it. */
export const DEFAULT_STOP_GRACE_MS = 10_000

/** A worker process as the handle sees it. */
export interface JobTransport {
  /** The worker's process id, once known. */
  readonly pid: number | undefined
  /** Sends a message to the worker (ignored once it has exited). */
  post(msg: HostMessage): void
  /** Ends the worker at once. */
  kill(): void
  /** Every message the worker sends, unvalidated. */
  onMessage(listener: (raw: unknown) => void): void
  /** The worker ended (or could not start); `why` says how, e.g. `code 1` or `SIGKILL`. */
  onExit(listener: (why: string) => void): void
}

/** A worker sent something that is not a job event of the contract; the job is ended. */
export class MalformedJobEventError extends Error {
  override name = 'MalformedJobEventError'
}

/** A running job: stop it cleanly, close it (stop, bounded wait, kill), kill it, await its result. */
export interface JobHandle {
  readonly jobId: string
  readonly kind: JobKind
  /** What it runs: its kind and options, defaults filled. */
  readonly spec: JobSpec
  /** The worker's process id, once known. */
  readonly pid: number | undefined
  /** Ask the job to finish its current step, save, and end. */
  stop(): void
  /** End the job at once (anything not yet saved is lost). */
  kill(): void
  /** Stop, wait up to `graceMs` for the job to end, then kill it; resolves once it has ended. */
  close(graceMs?: number): Promise<void>
  /** Resolves with the job's result; rejects with its error, or when the worker dies first. */
  done: Promise<JobResult>
}

/**
 * Validates `spec` (an `OptionsError` naming the field, before any process starts), then starts
 * the job on the transport `open` returns. Every event the worker sends is validated against the
 * contract before it reaches `onEvent`; the last event is always `done` or `error` (made up here
 * when the worker dies first, or sends a malformed event, which also kills it).
 */
export function createJobHandle(
  jobId: string,
  spec: JobSpecInput,
  open: () => JobTransport,
  onEvent: (event: JobEvent) => void = () => undefined
): JobHandle {
  const parsed = parseOptions(jobSpec, spec, `bad ${spec.kind} job options`)
  const kind = parsed.kind
  const transport = open()
  let settled = false
  let settle: (event: Extract<JobEvent, { type: 'done' | 'error' }>) => void = () => undefined
  const done = new Promise<JobResult>((resolve, reject) => {
    settle = (event) => {
      if (settled) return
      settled = true
      onEvent(event)
      if (event.type === 'done') resolve(event.result)
      else {
        const err = new Error(event.message)
        if (event.stack) err.stack = event.stack
        reject(err)
      }
    }
  })
  done.catch(() => undefined)
  const malformed = (reason: string) => {
    const err = new MalformedJobEventError(
      `job ${jobId} (${kind}) sent a malformed event: ${reason}`
    )
    settle({ type: 'error', message: `${err.name}: ${err.message}` })
    transport.kill()
  }
  transport.onMessage((raw) => {
    if (settled) return
    const result = jobEvent.safeParse(raw)
    if (!result.success) return malformed(issuesText(result.error, jobEvent))
    const event = result.data
    if (event.type === 'done' && event.result.kind !== kind)
      return malformed(`a ${event.result.kind} result from a ${kind} job`)
    if (event.type === 'done' || event.type === 'error') settle(event)
    else onEvent(event)
  })
  transport.onExit((why) =>
    settle({ type: 'error', message: `job worker exited (${why}) before finishing` })
  )
  transport.post({ type: 'start', jobId, spec: parsed })
  const stop = () => {
    if (!settled) transport.post({ type: 'stop' })
  }
  const kill = () => {
    if (!settled) transport.kill()
  }
  return {
    jobId,
    kind,
    spec: parsed,
    get pid() {
      return transport.pid
    },
    stop,
    kill,
    async close(graceMs = DEFAULT_STOP_GRACE_MS) {
      if (settled) return
      stop()
      let timer: ReturnType<typeof setTimeout> | undefined
      const ended = done.then(
        () => true,
        () => true
      )
      const waited = await Promise.race([
        ended,
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)))
      ])
      clearTimeout(timer)
      if (!waited) {
        kill()
        await ended
      }
    },
    done
  }
}
