import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { setApi } from '../../../src-renderer/src/stores/app'
import { useTuneStore } from '../../../src-renderer/src/stores/tune'
import type { JobInfo } from '../../../src-preload/contract'
import { fakeApi } from '../fake-api'

describe('tune store', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => setApi(null))

  async function started(tta: boolean) {
    const api = fakeApi({ 'tune:start': { jobId: 't1' }, 'job:cancel': { ok: true } })
    setApi(api)
    const tune = useTuneStore()
    await tune.start('/runs/r1', '/data/nuclei', tta)
    api.emit('job:event', {
      jobId: 't1',
      kind: 'tune',
      event: { type: 'progress', done: 1, total: 4, item: '1/4', status: 'done' }
    })
    return { api, tune }
  }

  it('sends whether to try test-time augmentation as the panel’s box says', async () => {
    const { api, tune } = await started(false)
    expect(api.calls.find((c) => c.channel === 'tune:start')?.arg).toEqual({
      model: '/runs/r1',
      data: '/data/nuclei',
      tta: false
    })
    expect([tune.state, tune.done, tune.total]).toEqual(['running', 1, 4])
  })

  it('says it is stopping from the Cancel click until the job ends, then why it ended', async () => {
    const { api, tune } = await started(true)
    expect(tune.stopping).toBe(false)
    await tune.cancel()
    expect(api.calls.map((c) => c.channel)).toContain('job:cancel')
    expect([tune.state, tune.stopping]).toEqual(['running', true])
    const message = '/runs/r1: tuning stopped after 2 of 4 images; its post-processing is unchanged'
    api.emit('job:event', { jobId: 't1', kind: 'tune', event: { type: 'error', message } })
    // asked for: said as a notice, not an error
    expect([tune.state, tune.stopping, tune.error, tune.notice]).toEqual([
      'idle',
      false,
      null,
      message
    ])
    // a new start is not shown as stopping
    await tune.start('/runs/r1')
    expect([tune.state, tune.stopping, tune.notice]).toEqual(['running', false, null])
  })

  it('keeps the last choice through a new tuning that is cancelled; a failure is an error', async () => {
    const { api, tune } = await started(false)
    const chosen = {
      kind: 'tune',
      model: '/runs/r1',
      data: '/data/nuclei',
      backend: { backend: 'wasm', detail: 'threaded SIMD, 2 threads' },
      images: 4,
      chosen: {
        settings: { threshold: 0.5, minSize: 20, minScore: 0.7, h: 2, tta: false },
        f1: 0.8,
        ap50: 0.7
      },
      before: null,
      seconds: 3
    }
    api.emit('job:event', { jobId: 't1', kind: 'tune', event: { type: 'done', result: chosen } })
    expect(tune.result).toEqual(chosen)
    await tune.start('/runs/r1')
    expect(tune.result).toEqual(chosen)
    await tune.cancel()
    const stopped = '/runs/r1: tuning stopped after 1 of 4 images; its post-processing is unchanged'
    api.emit('job:event', { jobId: 't1', kind: 'tune', event: { type: 'error', message: stopped } })
    expect([tune.state, tune.result]).toEqual(['idle', chosen])
    await tune.start('/runs/r1')
    api.emit('job:event', {
      jobId: 't1',
      kind: 'tune',
      event: { type: 'error', message: 'disk full' }
    })
    expect([tune.state, tune.error, tune.notice]).toEqual(['failed', 'disk full', null])
  })

  it('follows a job started elsewhere as it follows its own: notice cleared, progress replayed', async () => {
    const { api, tune } = await started(true)
    await tune.cancel()
    const stopped = '/runs/r1: tuning stopped after 1 of 4 images; its post-processing is unchanged'
    api.emit('job:event', { jobId: 't1', kind: 'tune', event: { type: 'error', message: stopped } })
    expect(tune.notice).toBe(stopped)
    const job = {
      jobId: 't2',
      kind: 'tune',
      since: '2026-12-07T18:00:00Z',
      runDir: null,
      spec: { kind: 'tune', options: { model: '/runs/r2', tta: true } },
      events: [{ type: 'progress', done: 3, total: 5, item: '3/5', status: 'done' }]
    } as unknown as JobInfo
    tune.attach(job)
    expect([tune.state, tune.model, tune.notice, tune.stopping]).toEqual([
      'running',
      '/runs/r2',
      null,
      false
    ])
    expect([tune.done, tune.total]).toEqual([3, 5])
  })

  it('is not left stopping when the host refuses the cancel', async () => {
    const api = fakeApi({ 'tune:start': { jobId: 't1' }, 'job:cancel': new Error('no job t1') })
    setApi(api)
    const tune = useTuneStore()
    await tune.start('/runs/r1')
    await tune.cancel()
    expect([tune.state, tune.stopping, tune.error]).toEqual(['running', false, 'no job t1'])
  })
})
