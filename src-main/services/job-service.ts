/**
 * The jobs of one app instance: starts them, passes their events on, stops or closes them, and
 * says which run folder each one trains. Every event of a job goes through {@link publish}, the
 * one place to fan them out to more clients.
 */
import { resolve } from 'node:path'
import type {
  BackendName,
  EventName,
  EventPayload,
  JobEvent,
  JobKind,
  JobSpecInput
} from '../../src-preload/contract'
import { newJobId, startJob, type JobHandle } from '../jobs/job-host'

/** Sends a push event (to the renderer that started the job). */
export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void

/**
 * Starts a job out of process (child_process.fork in Node, utilityProcess in Electron), passing
 * every validated event to `onEvent`.
 */
export type StartJob = (
  jobId: string,
  spec: JobSpecInput,
  onEvent: (event: JobEvent) => void
) => JobHandle

/** The default launcher: a forked Node worker. */
export const forkJob: StartJob = (jobId, spec, onEvent) => startJob(spec, onEvent, jobId)

/** A running job as the registry lists it. */
export interface RunningJob {
  jobId: string
  kind: JobKind
  /** The run folder a training job writes, else null. */
  runDir: string | null
  /** The worker's process id, once known. */
  pid: number | undefined
  /** When it started (ISO time). */
  since: string
}

interface Entry {
  handle: JobHandle
  runDir: string | null
  since: string
  emit: Emit
}

/** The jobs of one app instance. */
export class JobRegistry {
  private readonly jobs = new Map<string, Entry>()
  /** Backend the jobs run on, from the last job that reported it. */
  backend: BackendName | null = null

  /**
   * Starts the job `spec` describes with `launch` and returns its id; its events go to `emit` as
   * `job:event`. `runDir` is the run folder a training job writes.
   */
  start(
    spec: JobSpecInput,
    emit: Emit,
    launch: StartJob = forkJob,
    runDir: string | null = null
  ): string {
    const jobId = newJobId(spec.kind)
    const handle = launch(jobId, spec, (event) => this.publish(jobId, event))
    const dir = runDir === null ? null : resolve(runDir)
    this.jobs.set(jobId, { handle, runDir: dir, since: new Date().toISOString(), emit })
    return jobId
  }

  /** Passes one event of a job on; the job leaves the registry with its last event. */
  private publish(jobId: string, event: JobEvent): void {
    const entry = this.jobs.get(jobId)
    if (!entry) return
    if (event.type === 'backend') this.backend = event.name
    if (event.type === 'done' || event.type === 'error') this.jobs.delete(jobId)
    entry.emit('job:event', { jobId, kind: entry.handle.kind, event })
  }

  /** Asks a job to stop cleanly; false when no such job (of that kind) is running. */
  stop(jobId: string, kind?: JobKind): boolean {
    const entry = this.jobs.get(jobId)
    if (!entry || (kind && entry.handle.kind !== kind)) return false
    entry.handle.stop()
    return true
  }

  /**
   * Ends every running job gracefully (app quit, host close): each is asked to stop, given up to
   * `graceMs` to save and end, then killed. Resolves once all have ended.
   */
  async closeAll(graceMs?: number): Promise<void> {
    await Promise.all([...this.jobs.values()].map((e) => e.handle.close(graceMs)))
  }

  /** The running jobs. */
  running(): RunningJob[] {
    return [...this.jobs.entries()].map(([jobId, e]) => ({
      jobId,
      kind: e.handle.kind,
      runDir: e.runDir,
      pid: e.handle.pid,
      since: e.since
    }))
  }

  /** The running job that trains `runDir`, if any. */
  training(runDir: string): RunningJob | undefined {
    const dir = resolve(runDir)
    return this.running().find((j) => j.runDir === dir)
  }
}
