/**
 * Jobs outlive the page: every client gets every job's events, a client that attaches late gets
 * `job:started` and the recent events (every epoch, the latest steps, the last preview), and a
 * client that left gets nothing more.
 */
import { describe, expect, it } from 'vitest'
import type { EventName, EventPayload, JobEvent } from '../../../src-preload/contract'
import { createJobHandle, type JobTransport } from '../../../src-main/jobs/job-handle'
import { BACKLOG_LIMITS, JobBacklog } from '../../../src-main/services/job-backlog'
import { JobRegistry, type Emit } from '../../../src-main/services/job-service'
import { TRAIN_EVENTS } from '../jobs/scripted-jobs'

/** A worker whose events the test sends one by one. */
function puppet() {
  let onMessage: (raw: unknown) => void = () => undefined
  let onExit: (why: string) => void = () => undefined
  const transport: JobTransport = {
    pid: 9,
    post: () => undefined,
    kill: () => onExit('SIGKILL'),
    onMessage: (l) => void (onMessage = l),
    onExit: (l) => void (onExit = l)
  }
  return { transport, send: (e: JobEvent) => onMessage(structuredClone(e)) }
}

/** A client that records what it receives. */
function client() {
  const got: { event: EventName; payload: EventPayload<EventName> }[] = []
  const emit: Emit = (event, payload) => void got.push({ event, payload })
  const jobEvents = () =>
    got.flatMap((g) => (g.event === 'job:event' && 'event' in g.payload ? [g.payload.event] : []))
  return { emit, got, jobEvents }
}

const train = { kind: 'train', resume: true, options: { out: '/runs/a' } } as const
const [backend, log, step, epoch, preview, done] = TRAIN_EVENTS

describe('job registry', () => {
  it('sends every event to every client, and catches a late client up', async () => {
    const jobs = new JobRegistry()
    const first = client()
    const second = client()
    jobs.subscribe(second.emit)
    const w = puppet()
    const jobId = jobs.start(
      train,
      first.emit,
      (id, spec, onEvent) => createJobHandle(id, spec, () => w.transport, onEvent),
      '/runs/a'
    )
    for (const e of [backend, log, step, epoch, preview]) w.send(e)
    for (const c of [first, second]) {
      expect(c.got[0]).toMatchObject({
        event: 'job:started',
        payload: { jobId, runDir: '/runs/a' }
      })
      expect(c.jobEvents()).toEqual([backend, log, step, epoch, preview])
    }
    // a reloaded page: nothing received yet, attaches, gets the backlog and what follows
    const late = client()
    jobs.subscribe(late.emit)
    const [info] = jobs.attachable()
    expect(info).toMatchObject({ jobId, kind: 'train', runDir: '/runs/a' })
    expect(info.spec).toEqual({ kind: 'train', resume: true, options: { out: '/runs/a' } })
    expect(info.events).toEqual([backend, log, step, epoch, preview])
    const unsubscribe = jobs.subscribe(second.emit)
    unsubscribe()
    w.send(done)
    expect(late.jobEvents()).toEqual([done])
    expect(first.jobEvents().at(-1)).toEqual(done)
    expect(second.jobEvents()).toHaveLength(5)
    expect(jobs.attachable()).toEqual([])
    expect(jobs.training('/runs/a')).toBeUndefined()
  })

  it('keeps every epoch, the latest steps and the last preview of a long job', () => {
    const backlog = new JobBacklog()
    const steps = BACKLOG_LIMITS.step + 50
    for (let i = 1; i <= steps; i++) {
      backlog.add({ ...step, step: i } as JobEvent)
      if (i % 100 === 0) backlog.add({ ...epoch, epoch: i / 100 } as JobEvent)
      if (i % 100 === 0) backlog.add({ ...preview, epoch: i / 100 } as JobEvent)
    }
    const kept = backlog.events()
    const of = (t: string) => kept.filter((e) => e.type === t)
    expect(of('epoch')).toHaveLength(Math.floor(steps / 100))
    expect(of('step')).toHaveLength(BACKLOG_LIMITS.step)
    expect(of('step')[0]).toMatchObject({ step: 51 })
    expect(of('preview')).toEqual([{ ...preview, epoch: Math.floor(steps / 100) }])
    expect(kept.at(-1)).toMatchObject({ type: 'step', step: steps })
  })
})
