/** Routes `job:event` push events to whoever started the job. */
import type { JobEvent } from '../../../src-preload/contract'
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
