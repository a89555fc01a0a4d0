import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startJob } from '../../../src-main/jobs/job-host'
import type { JobEvent } from '../../../src-preload/contract'
import { copyImages, FLUO_IDS, writeThresholdRun } from '../engine/infer/fixture-run'

describe('predict job', () => {
  let tmp: string
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'predict-job-'))
    await writeThresholdRun(join(tmp, 'run'))
    await copyImages(join(tmp, 'in'), FLUO_IDS)
  })
  afterAll(() => rm(tmp, { recursive: true, force: true }))

  it('runs in a child process with progress events, and stops on request', async () => {
    const events: JobEvent[] = []
    const options = {
      model: join(tmp, 'run'),
      input: join(tmp, 'in'),
      out: join(tmp, 'out'),
      instances: true
    }
    const job = startJob({ kind: 'predict', options }, (e) => {
      events.push(e)
      if (e.type === 'progress' && e.done === 1) job.stop()
    })
    const first = await job.done
    if (first.kind !== 'predict') throw new Error(`a ${first.kind} result`)
    expect(first.cancelled).toBe(true)
    expect(first.done).toBeLessThan(FLUO_IDS.length)
    expect(events[0]).toMatchObject({ type: 'backend', name: first.backend.name })
    expect(events.some((e) => e.type === 'progress' && e.status === 'done')).toBe(true)
    const again = startJob({ kind: 'predict', options })
    const second = await again.done
    if (second.kind !== 'predict') throw new Error(`a ${second.kind} result`)
    expect(second.cancelled).toBe(false)
    expect(second.done + second.skipped).toBe(FLUO_IDS.length)
    expect(second.skipped).toBe(first.done)
    expect(await readdir(join(tmp, 'out', 'instances'))).toHaveLength(FLUO_IDS.length)
  })
})
