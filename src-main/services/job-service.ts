/**
 * The jobs of one app instance: starts them, passes their events on to every connected client,
 * keeps each running job's recent events for clients that attach late, stops or closes them, and
 * says which run folder each one trains. Every event of a job goes through {@link publish}.
 */
import { resolve } from 'node:path'
import type {
  BackendName,
  EventName,
  EventPayload,
  JobEvent,
  JobInfo,
  JobKind,
  JobSpecInput
} from '../../src-preload/contract'
import { newJobId, startJob, type JobHandle } from '../jobs/job-host'
import { JobBacklog } from './job-backlog'

/** Sends a push event to one client (a window, a socket). */
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
  backlog: JobBacklog
  onEnd?: (event: JobEvent) => void
}

/** The jobs of one app instance and the clients that follow them. */
export class JobRegistry {
  private readonly jobs = new Map<string, Entry>()
  private readonly clients = new Set<Emit>()
  /** Backend the jobs run on, from the last job that reported it. */
  backend: BackendName | null = null

  /** Sends every job's events (and `job:started`) to `emit` from now on; returns the undo. */
  subscribe(emit: Emit): () => void {
    this.clients.add(emit)
    return () => void this.clients.delete(emit)
  }

  private broadcast<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const emit of this.clients) {
      try {
        emit(event, payload)
      } catch (err) {
        console.error(`could not send ${event} to a client:`, err)
      }
    }
  }

  /**
   * Starts the job `spec` describes with `launch` and returns its id. Its events go to every
   * subscribed client (`emit` is subscribed first, once). `runDir` is the run folder a training
   * job writes; `onEnd` gets the job's last event (done or error).
   */
  start(
    spec: JobSpecInput,
    emit: Emit | null,
    launch: StartJob = forkJob,
    runDir: string | null = null,
    onEnd?: (event: JobEvent) => void
  ): string {
    if (emit) this.subscribe(emit)
    const jobId = newJobId(spec.kind)
    const backlog = new JobBacklog()
    const early: JobEvent[] = []
    let listed = false
    const handle = launch(jobId, spec, (event) =>
      listed ? this.publish(jobId, event) : early.push(event)
    )
    const dir = runDir === null ? null : resolve(runDir)
    const entry = { handle, runDir: dir, since: new Date().toISOString(), backlog, onEnd }
    this.jobs.set(jobId, entry)
    listed = true
    this.broadcast('job:started', { ...this.info(jobId, entry), events: [] })
    for (const event of early) this.publish(jobId, event)
    return jobId
  }

  /** Passes one event of a job on to every client; the job leaves the registry with its last. */
  private publish(jobId: string, event: JobEvent): void {
    const entry = this.jobs.get(jobId)
    if (!entry) return
    if (event.type === 'backend') this.backend = event.name
    const last = event.type === 'done' || event.type === 'error'
    if (last) this.jobs.delete(jobId)
    else entry.backlog.add(event)
    this.broadcast('job:event', { jobId, kind: entry.handle.kind, event })
    if (last) entry.onEnd?.(event)
  }

  private info(jobId: string, e: Entry): JobInfo {
    return {
      jobId,
      kind: e.handle.kind,
      since: e.since,
      runDir: e.runDir,
      spec: e.handle.spec,
      events: e.backlog.events()
    }
  }

  /** The running jobs with their recent events, for a client that attaches now. */
  attachable(): JobInfo[] {
    return [...this.jobs.entries()].map(([jobId, e]) => this.info(jobId, e))
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
