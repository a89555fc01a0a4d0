import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { JobEvent, JobInfo } from '../../../src-preload/contract'
import { setApi } from '../../../src-renderer/src/stores/app'
import { useEvaluateStore } from '../../../src-renderer/src/stores/evaluate'
import { useExportStore } from '../../../src-renderer/src/stores/export'
import { followNewJobs, syncJobs } from '../../../src-renderer/src/stores/jobs'
import { useTrainingStore } from '../../../src-renderer/src/stores/training'
import { fakeApi } from '../fake-api'

const epoch = (n: number): JobEvent => ({
  type: 'epoch',
  epoch: n,
  epochs: 10,
  lr: 0.001,
  loss: 1 / n,
  iou: 0.1 * n,
  dice: 0.1 * n,
  valLoss: 1 / n,
  valIou: 0.1 * n,
  valDice: 0.1 * n,
  seconds: 1,
  best: true,
  etaSeconds: 9
})

/** A training job as `jobs:running` lists it. */
function trainJob(jobId: string, events: JobEvent[]): JobInfo {
  const options = { data: '/d', out: '/d/.unet-studio/runs/r', size: 32, epochs: 10 }
  return {
    jobId,
    kind: 'train',
    since: '2026-01-01T00:00:00Z',
    runDir: options.out,
    spec: { kind: 'train', resume: false, options } as unknown as JobInfo['spec'],
    events
  }
}

describe('stores follow the jobs running on the host', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => setApi(null))

  it('a reloaded page redraws a running training from its recent events, and follows it', async () => {
    let running = [trainJob('t1', [epoch(1), epoch(2)])]
    const api = fakeApi({ 'jobs:running': () => running, 'train:runs': [] })
    setApi(api)
    const tr = useTrainingStore()
    useExportStore()
    await syncJobs()
    expect(tr.state).toBe('running')
    expect([tr.jobId, tr.runDir, tr.data]).toEqual(['t1', '/d/.unet-studio/runs/r', '/d'])
    expect(tr.epochs.map((e) => e.epoch)).toEqual([1, 2])
    expect(tr.options).toMatchObject({ size: 32, epochs: 10 })
    api.emit('job:event', { jobId: 't1', kind: 'train', event: epoch(3) })
    expect(tr.epochs.map((e) => e.epoch)).toEqual([1, 2, 3])
    // the job ended while the connection was down: the run is shown from disk, not running
    running = []
    await syncJobs()
    expect(tr.jobId).toBeNull()
    expect(tr.state).toBe('stopped')
  })

  it('a job started by another client is followed by an idle store only', async () => {
    const api = fakeApi({ 'jobs:running': [], 'train:runs': [], 'eval:results': new Error('x') })
    setApi(api)
    const tr = useTrainingStore()
    const ev = useEvaluateStore()
    followNewJobs()
    api.emit('job:started', trainJob('t2', []))
    expect(tr.jobId).toBe('t2')
    api.emit('job:started', trainJob('t3', []))
    expect(tr.jobId).toBe('t2')
    const evalJob: JobInfo = {
      jobId: 'e1',
      kind: 'eval',
      since: '',
      runDir: null,
      spec: {
        kind: 'eval',
        options: { model: '/m', split: 'val', tta: false, out: '/m/eval/val-d' }
      },
      events: [{ type: 'progress', done: 1, total: 4, item: 'a', status: 'done', score: 0.5 }]
    }
    api.emit('job:started', evalJob)
    expect([ev.jobId, ev.model, ev.state, ev.done, ev.total]).toEqual(['e1', '/m', 'running', 1, 4])
  })
})
