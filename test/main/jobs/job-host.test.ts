import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { JobEvent } from '../../../src-preload/contract'
import { hasCheckpoint } from '../../../src-main/engine/train/checkpoint'
import { readLog } from '../../../src-main/engine/run-store'
import { startJob } from '../../../src-main/jobs/job-host'
import { copyDsb } from '../engine/copy-datasets'

const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

describe('job host', () => {
  it('trains in a child process, streams backend/step/epoch/preview events, and stops with a full checkpoint', async () => {
    const data = await copyDsb(4)
    dirs.push(data)
    const out = join(data, 'run')
    const events: JobEvent[] = []
    const options = { data, out, size: 32, base: 4, depth: 2, batch: 2, patches: 4, epochs: 50 }
    const job = startJob(
      { kind: 'train', resume: false, options: { ...options, val: 0.25 } },
      (e) => {
        events.push(e)
        if (e.type === 'epoch') job.stop()
      }
    )
    const result = await job.done
    if (result.kind !== 'train') throw new Error(`a ${result.kind} result`)
    expect(job.pid).toBeGreaterThan(0)
    expect(job.pid).not.toBe(process.pid)
    expect(result.stopped).toBe(true)
    expect(result.epochs).toBeGreaterThanOrEqual(1)
    expect(result.epochs).toBeLessThan(50)
    const types = events.map((e) => e.type)
    expect(types[0]).toBe('backend')
    for (const t of ['log', 'step', 'epoch', 'preview']) expect(types).toContain(t)
    expect(types.at(-1)).toBe('done')
    const preview = events.find((e) => e.type === 'preview')
    if (preview?.type !== 'preview') throw new Error('no preview event')
    const { width, height, channels, image, pred } = preview.previews[0]
    expect([width, height]).toEqual([32, 32])
    expect(Buffer.from(pred, 'base64')).toHaveLength(32 * 32)
    expect(Buffer.from(image, 'base64')).toHaveLength(32 * 32 * channels)
    expect(hasCheckpoint(join(out, 'last'))).toBe(true)
    expect((await readLog(out)).length).toBe(result.epochs)
  })

  it('refuses a second job on a run folder that a job is training, naming the run and the job', async () => {
    const data = await copyDsb(3)
    dirs.push(data)
    const out = join(data, 'run')
    const options = { data, out, size: 32, base: 4, depth: 2, batch: 2, patches: 2, epochs: 50 }
    let trained = () => undefined as void
    const epoch = new Promise<void>((resolve) => (trained = resolve))
    const first = startJob({ kind: 'train', resume: false, options }, (e) => {
      if (e.type === 'epoch') trained()
    })
    await epoch
    const holder = new RegExp(
      `RunLockedError: run ${out} is being trained by job ${first.jobId} \\(pid ${first.pid}, since `
    )
    const again = startJob({ kind: 'train', resume: false, options })
    const resumed = startJob({ kind: 'train', resume: true, options: { out } })
    await expect(again.done).rejects.toThrow(holder)
    await expect(resumed.done).rejects.toThrow(holder)
    first.stop()
    const result = await first.done
    expect(result).toMatchObject({ kind: 'train', stopped: true })
    expect(existsSync(join(out, 'train.lock'))).toBe(false)
  })

  it('refuses bad options by name before any process starts', () => {
    expect(() =>
      startJob({
        kind: 'predict',
        options: { model: 'r', input: 'i', out: 'o', treshold: 0.4 } as never
      })
    ).toThrow(
      /bad predict job options: options: unknown option "treshold" \(did you mean "threshold"\?\)/
    )
  })

  it('reports a worker that fails as an error event', async () => {
    const events: JobEvent[] = []
    const job = startJob(
      { kind: 'merge', options: { root: '/nonexistent/dataset', out: '/tmp/never' } },
      (e) => events.push(e)
    )
    await expect(job.done).rejects.toThrow(/nonexistent/)
    expect(events.at(-1)?.type).toBe('error')
  })
})
