/**
 * The worker side of a job: what a runner gets and returns. The messages themselves (host → worker
 * start/stop, worker → host events) are declared with their schemas in the contract
 * (`src-preload/job-events.ts`).
 */
import type { JobSpec, JobUpdate, ResultOf } from '../../src-preload/job-events'

export type { HostMessage, JobEvent, JobSpec, JobUpdate } from '../../src-preload/job-events'

/** What a job runner gets: its id, a way to send events, and a signal aborted by a stop request. */
export interface JobContext {
  jobId: string
  send: (event: JobUpdate) => void
  /** Aborted when the host asks the job to finish its step, save and end. */
  signal: AbortSignal
}

/** A job kind's implementation, run inside the worker; resolves with the job's result. */
export type JobRunner<S extends JobSpec> = (
  spec: S,
  ctx: JobContext
) => Promise<ResultOf<S['kind']>>
