import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { hasCheckpoint } from '../../../src-main/engine/train/checkpoint'
import { readLog } from '../../../src-main/engine/run-store'
import { startJob } from '../../../src-main/jobs/job-host'
import type { WorkerMessage } from '../../../src-main/jobs/protocol'
import { copyDsb } from '../engine/copy-datasets'

const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

describe('job host', () => {
  it('trains in a child process, streams step/epoch/preview messages, and stops with a full checkpoint', async () => {
    const data = await copyDsb(4)
    dirs.push(data)
    const out = join(data, 'run')
    const messages: WorkerMessage[] = []
    const job = startJob(
      'train',
      { data, out, size: 32, base: 4, depth: 2, batch: 2, patches: 4, epochs: 50, val: 0.25 },
      (m) => {
        messages.push(m)
        if (m.type === 'epoch') job.stop()
      }
    )
    const result = (await job.done) as { stopped: boolean; epochs: number }
    expect(job.child.pid).not.toBe(process.pid)
    expect(result.stopped).toBe(true)
    expect(result.epochs).toBeGreaterThanOrEqual(1)
    expect(result.epochs).toBeLessThan(50)
    const types = new Set(messages.map((m) => m.type))
    for (const t of ['log', 'step', 'epoch', 'preview', 'done'])
      expect(types.has(t as WorkerMessage['type'])).toBe(true)
    const preview = messages.find((m) => m.type === 'preview')
    if (preview?.type !== 'preview') throw new Error('no preview message')
    expect(preview.previews[0].pred).toBeInstanceOf(Uint8Array)
    expect(preview.previews[0].pred.length).toBe(32 * 32)
    expect(hasCheckpoint(join(out, 'last'))).toBe(true)
    expect((await readLog(out)).length).toBe(result.epochs)
  })

  it('reports an unknown job kind as an error', async () => {
    const job = startJob('nope', {})
    await expect(job.done).rejects.toThrow(/unknown job kind "nope"/)
  })
})
