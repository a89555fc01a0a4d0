/** Running jobs for the UI: ids, progress and end events, stop/cancel, and the backend in use. */
import { randomBytes } from 'node:crypto'
import type { EventName, EventPayload } from '../../src-preload/contract'
import type { WorkerMessage } from '../jobs/protocol'

/** Sends a push event (to the renderer that started the job). */
export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void

/** What a job looks like to the registry, wherever it runs. */
export interface RunningJob {
  /** Ask the job to finish its step, save and end. */
  stop(): void
  /** End it at once. */
  kill(): void
  /** Settles with the job's result or error. */
  done: Promise<unknown>
}

/**
 * Starts a job of `kind` out of process (child_process.fork in Node, utilityProcess in
 * Electron), passing every worker message to `onMessage`.
 */
export type StartJob = (
  kind: string,
  config: unknown,
  onMessage: (msg: WorkerMessage) => void
) => RunningJob

const BACKEND_LINE = /^backend ([\w-]+)/

/** The jobs of one app instance. */
export class JobRegistry {
  private readonly jobs = new Map<string, { kind: string; job: RunningJob }>()
  /** Backend the jobs run on, from the first job that reported it. */
  backend: string | null = null

  /** Starts a job via `start` and wires its messages to `job:progress` and `job:end`. */
  run(
    kind: string,
    emit: Emit,
    start: (onMessage: (msg: WorkerMessage | Record<string, unknown>) => void) => RunningJob
  ): string {
    const jobId = `${kind}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
    const job = start((message) => {
      if (message.type === 'log' && typeof message.message === 'string') {
        const m = BACKEND_LINE.exec(message.message)
        if (m) this.backend = m[1]
      }
      emit('job:progress', { jobId, kind, message: message as Record<string, unknown> })
    })
    this.jobs.set(jobId, { kind, job })
    job.done.then(
      (result) => {
        this.jobs.delete(jobId)
        emit('job:end', { jobId, kind, ok: true, result })
      },
      (err: unknown) => {
        this.jobs.delete(jobId)
        emit('job:end', { jobId, kind, ok: false, error: (err as Error)?.message ?? String(err) })
      }
    )
    return jobId
  }

  /** Asks a job to stop cleanly; false when no such job is running. */
  stop(jobId: string, kind?: string): boolean {
    const entry = this.jobs.get(jobId)
    if (!entry || (kind && entry.kind !== kind)) return false
    entry.job.stop()
    return true
  }

  /** Kills every running job (app shutdown, tests). */
  killAll(): void {
    for (const { job } of this.jobs.values()) job.kill()
    this.jobs.clear()
  }

  /** Ids of the running jobs. */
  running(): string[] {
    return [...this.jobs.keys()]
  }
}
