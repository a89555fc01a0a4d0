/**
 * The recent events of one running job, kept so a client that attaches late (a reloaded page, a
 * second tab, a dropped connection) can redraw what it missed: every epoch, the latest steps,
 * progress rows and log lines, the last preview and the backend.
 */
import type { JobEvent } from '../../src-preload/job-events'

/** How many events of each type a backlog keeps at most (the oldest are dropped first). */
export const BACKLOG_LIMITS: Record<JobEvent['type'], number> = {
  backend: 1,
  epoch: 10_000,
  step: 2_000,
  preview: 1,
  progress: 20_000,
  log: 200,
  done: 1,
  error: 1
}

/** One job's recent events, in the order they came. */
export class JobBacklog {
  private seq = 0
  private readonly kept = new Map<JobEvent['type'], { n: number; event: JobEvent }[]>()

  /** Keeps `event`, dropping the oldest of its type beyond its limit. */
  add(event: JobEvent): void {
    const list = this.kept.get(event.type) ?? []
    list.push({ n: this.seq++, event })
    if (list.length > BACKLOG_LIMITS[event.type]) list.shift()
    this.kept.set(event.type, list)
  }

  /** The events kept, oldest first. */
  events(): JobEvent[] {
    return [...this.kept.values()]
      .flat()
      .sort((a, b) => a.n - b.n)
      .map((e) => e.event)
  }
}
