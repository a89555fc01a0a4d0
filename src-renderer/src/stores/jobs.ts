/**
 * Routes job events to the stores that follow jobs, and reattaches them to the jobs running on
 * the host: on load (a reload, a second tab), when another client starts a job, and after the
 * connection comes back. Each following store registers a {@link JobFollower}.
 */
import type { JobEvent, JobInfo, JobKind } from '../../../src-preload/contract'
import { client } from './app'

/** Subscribes to the events of one job (the current `jobId()`); returns the unsubscribe function. */
export function watchJob(
  jobId: () => string | null,
  listener: (event: JobEvent) => void
): () => void {
  return client().on('job:event', (p) => {
    if (p.jobId === jobId()) listener(p.event)
  })
}

/** A store that shows jobs of one kind. */
export interface JobFollower {
  kind: JobKind
  /** The job it follows now, or null. */
  jobId(): string | null
  /** Whether it would take a job started elsewhere now (it follows none, or its last ended). */
  idle(): boolean
  /** Follows `job` from now, redrawing its recent events. */
  attach(job: JobInfo): void
  /** Its job no longer runs (it ended while the connection was down): show the outcome. */
  lost(): void
}

const followers = new Set<JobFollower>()

/** Registers a store's follower (stores are created once; HMR may replace one of a kind). */
export function registerFollower(follower: JobFollower): void {
  for (const f of followers) if (f.kind === follower.kind) followers.delete(f)
  followers.add(follower)
}

/** Hands `job` to the follower of its kind: the one following it already, else an idle one. */
function route(job: JobInfo): void {
  for (const f of followers) {
    if (f.kind !== job.kind) continue
    if (f.jobId() === job.jobId || (f.jobId() === null && f.idle())) f.attach(job)
  }
}

/**
 * Reattaches every follower to the jobs running on the host: each running job goes to the store
 * of its kind (redrawn from its recent events), and a store whose job is gone hears so.
 */
export async function syncJobs(): Promise<void> {
  const running = await client().call('jobs:running', {})
  const ids = new Set(running.map((j) => j.jobId))
  for (const f of followers) {
    const id = f.jobId()
    if (id !== null && !ids.has(id)) f.lost()
  }
  for (const job of running) route(job)
}

/** Follows jobs started by any client of the host from now on; returns the unsubscribe function. */
export function followNewJobs(): () => void {
  return client().on('job:started', (job) => route(job))
}
