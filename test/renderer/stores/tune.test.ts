import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { setApi } from '../../../src-renderer/src/stores/app'
import { useTuneStore } from '../../../src-renderer/src/stores/tune'
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
    expect([tune.state, tune.stopping, tune.error]).toEqual(['failed', false, message])
    // a new start is not shown as stopping
    await tune.start('/runs/r1')
    expect([tune.state, tune.stopping]).toEqual(['running', false])
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
