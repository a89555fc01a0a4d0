/** Routes `job:progress` / `job:end` events to whoever started the job. */
import { client } from './app'

/** A worker message (step, epoch, preview, progress, log, done, error). */
export type JobMessage = { type: string; [key: string]: unknown }

/** The end of a job. */
export interface JobEnd {
  jobId: string
  kind: string
  ok: boolean
  result?: unknown
  error?: string
}

/** Callbacks for one job. */
export interface JobListener {
  message(msg: JobMessage): void
  end(end: JobEnd): void
}

/** Subscribes to the events of one job; returns the unsubscribe function. */
export function watchJob(jobId: () => string | null, listener: JobListener): () => void {
  const c = client()
  const offProgress = c.on('job:progress', (p) => {
    if (p.jobId === jobId()) listener.message(p.message as JobMessage)
  })
  const offEnd = c.on('job:end', (p) => {
    if (p.jobId === jobId()) listener.end(p)
  })
  return () => {
    offProgress()
    offEnd()
  }
}
