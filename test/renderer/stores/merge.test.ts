import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { setApi } from '../../../src-renderer/src/stores/app'
import { useMergeStore } from '../../../src-renderer/src/stores/merge'
import { fakeApi } from '../fake-api'

describe('merge store', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => setApi(null))

  async function started() {
    const api = fakeApi({
      'merge:start': { jobId: 'm1', out: '/d/.unet-studio/merged-binary' },
      'job:cancel': { ok: true }
    })
    setApi(api)
    const merge = useMergeStore()
    await merge.start('/d')
    api.emit('job:progress', {
      jobId: 'm1',
      kind: 'merge',
      message: { type: 'progress', done: 2, total: 6, sample: 'b' }
    })
    return { api, merge }
  }

  it('fills the bar on a finished merge', async () => {
    const { api, merge } = await started()
    expect([merge.state, merge.done, merge.total]).toEqual(['running', 2, 6])
    api.emit('job:end', { jobId: 'm1', kind: 'merge', ok: true, result: { cancelled: false } })
    expect([merge.state, merge.done]).toEqual(['done', 6])
  })

  it('says cancelled, with the samples actually merged, after a cancel', async () => {
    const { api, merge } = await started()
    await merge.cancel()
    expect(api.calls.at(-1)).toEqual({ channel: 'job:cancel', arg: { jobId: 'm1' } })
    api.emit('job:end', { jobId: 'm1', kind: 'merge', ok: true, result: { cancelled: true } })
    expect([merge.state, merge.done, merge.total]).toEqual(['cancelled', 2, 6])
  })
})
