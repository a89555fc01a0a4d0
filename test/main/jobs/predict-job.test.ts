import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startJob } from '../../../src-main/jobs/job-host'
import type { WorkerMessage } from '../../../src-main/jobs/protocol'
import { copyImages, FLUO_IDS, writeThresholdRun } from '../engine/infer/fixture-run'

describe('predict job', () => {
  let tmp: string
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'predict-job-'))
    await writeThresholdRun(join(tmp, 'run'))
    await copyImages(join(tmp, 'in'), FLUO_IDS)
  })
  afterAll(() => rm(tmp, { recursive: true, force: true }))

  it('runs in a child process with progress messages, and stops on request', async () => {
    const messages: WorkerMessage[] = []
    const config = {
      model: join(tmp, 'run'),
      input: join(tmp, 'in'),
      out: join(tmp, 'out'),
      instances: true
    }
    const job = startJob('predict', config, (m) => {
      messages.push(m)
      if (m.type === 'progress' && m.index === 1) job.stop()
    })
    const first = (await job.done) as { done: number; cancelled: boolean }
    expect(first.cancelled).toBe(true)
    expect(first.done).toBeLessThan(FLUO_IDS.length)
    expect(messages.some((m) => m.type === 'progress' && m.status === 'done')).toBe(true)
    const again = startJob('predict', config)
    const second = (await again.done) as { done: number; skipped: number; cancelled: boolean }
    expect(second.cancelled).toBe(false)
    expect(second.done + second.skipped).toBe(FLUO_IDS.length)
    expect(second.skipped).toBe(first.done)
    expect(await readdir(join(tmp, 'out', 'instances'))).toHaveLength(FLUO_IDS.length)
  })
})
