import { describe, expect, it } from 'vitest'
import type { HostMessage, JobEvent } from '../../../src-preload/contract'
import { createJobHandle, type JobTransport } from '../../../src-main/jobs/job-handle'
import { JobRegistry } from '../../../src-main/services/job-service'
import { MERGE_DONE } from './scripted-jobs'

/** A worker that answers a stop with its result after `stopMs`, or never (`null`). */
function worker(stopMs: number | null) {
  const posted: HostMessage['type'][] = []
  const state = { killed: false }
  let onMessage: (raw: unknown) => void = () => undefined
  let onExit: (why: string) => void = () => undefined
  const transport: JobTransport = {
    pid: 7,
    post(msg) {
      posted.push(msg.type)
      if (msg.type === 'stop' && stopMs !== null)
        setTimeout(() => {
          onMessage(MERGE_DONE)
          onExit('code 0')
        }, stopMs)
    },
    kill() {
      state.killed = true
      setImmediate(() => onExit('SIGKILL'))
    },
    onMessage: (l) => void (onMessage = l),
    onExit: (l) => void (onExit = l)
  }
  return { transport, posted, state }
}

const merge = { kind: 'merge', options: { root: '/d', out: '/o' } } as const

describe('job handle', () => {
  it('closes gracefully: a stop, and the job ends with its result in time', async () => {
    const w = worker(20)
    const events: JobEvent[] = []
    const job = createJobHandle(
      'merge-1',
      merge,
      () => w.transport,
      (e) => events.push(e)
    )
    await job.close(5_000)
    expect(w.posted).toEqual(['start', 'stop'])
    expect(w.state.killed).toBe(false)
    await expect(job.done).resolves.toMatchObject({ kind: 'merge' })
    expect(events.map((e) => e.type)).toEqual(['done'])
  })

  it('kills a job that does not end within the grace period', async () => {
    const w = worker(null)
    const job = createJobHandle('merge-2', merge, () => w.transport)
    const started = Date.now()
    await job.close(100)
    expect(Date.now() - started).toBeGreaterThanOrEqual(95)
    expect(w.posted).toEqual(['start', 'stop'])
    expect(w.state.killed).toBe(true)
    await expect(job.done).rejects.toThrow('job worker exited (SIGKILL) before finishing')
  })

  it('registry: closeAll ends every job, each with its last event', async () => {
    const jobs = new JobRegistry()
    const polite = worker(10)
    const stubborn = worker(null)
    const sent: string[] = []
    const emit = (event: string) => void (event === 'job:event' && sent.push(event))
    for (const w of [polite, stubborn])
      jobs.start(merge, emit, (id, spec, onEvent) =>
        createJobHandle(id, spec, () => w.transport, onEvent)
      )
    expect(jobs.running()).toHaveLength(2)
    await jobs.closeAll(100)
    expect(jobs.running()).toEqual([])
    expect([polite.state.killed, stubborn.state.killed]).toEqual([false, true])
    expect(sent).toHaveLength(2)
  })
})
