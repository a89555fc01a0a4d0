/** Helpers for the handler tests: a plain-Node handler context that records push events. */
import type { EventName, EventPayload, JobEvent, JobEventOf } from '../../src-preload/contract'
import type { HandlerContext } from '../../src-main/handlers'

/** A recorded push event. */
export type Recorded = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName]

/** A recorded `job:event`. */
export type JobEventRecord = Extract<Recorded, { event: 'job:event' }>

/** The recorded `job:event`s. */
export function jobEventRecords(events: Recorded[]): JobEventRecord[] {
  return events.filter((r): r is JobEventRecord => r.event === 'job:event')
}

/** A web-like context whose `emit` records events; `waitFor` resolves on the first match. */
export function recordingContext(initialDataset: string | null = null) {
  const events: Recorded[] = []
  const waiters: { test: (r: Recorded) => boolean; resolve: (r: Recorded) => void }[] = []
  const ctx: HandlerContext = {
    host: 'web',
    version: 'test',
    initialDataset,
    emit: (event, payload) => {
      const r = { event, payload } as Recorded
      events.push(r)
      for (const w of [...waiters]) {
        if (!w.test(r)) continue
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(r)
      }
    }
  }
  const waitFor = (test: (r: Recorded) => boolean): Promise<Recorded> => {
    const hit = events.find(test)
    if (hit) return Promise.resolve(hit)
    return new Promise((resolve) => waiters.push({ test, resolve }))
  }
  /** The events of one job, in order. */
  const jobEvents = (jobId: string): JobEvent[] =>
    events.flatMap((r) =>
      r.event === 'job:event' && r.payload.jobId === jobId ? [r.payload.event] : []
    )
  /** Resolves with a job's last event (`done` or `error`). */
  const jobEnd = (jobId: string) =>
    waitFor(
      (r) =>
        r.event === 'job:event' &&
        r.payload.jobId === jobId &&
        (r.payload.event.type === 'done' || r.payload.event.type === 'error')
    ).then((r) => (r as JobEventRecord).payload.event)
  /** Resolves with a job's first event of `type`. */
  const jobEvent = <T extends JobEvent['type']>(jobId: string, type: T) =>
    waitFor(
      (r) => r.event === 'job:event' && r.payload.jobId === jobId && r.payload.event.type === type
    ).then((r) => (r as JobEventRecord).payload.event as JobEventOf<T>)
  return { ctx, events, waitFor, jobEnd, jobEvent, jobEvents }
}
