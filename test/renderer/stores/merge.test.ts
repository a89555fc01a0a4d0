import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setApi } from '../../../src-renderer/src/stores/app'
import { useMergeStore } from '../../../src-renderer/src/stores/merge'
import type { MergeResult } from '../../../src-preload/contract'
import { fakeApi } from '../fake-api'

/** A merge job's result. */
function result(cancelled: boolean): MergeResult {
  return {
    kind: 'merge',
    root: '/d',
    outDir: '/d/.unet-studio/merged-binary',
    layout: 'dsb2018',
    mode: 'binary',
    size: null,
    connectivity: null,
    samples: 6,
    ok: cancelled ? 2 : 6,
    failed: [],
    scanProblems: [],
    masksMerged: 30,
    overlapPixels: 0,
    samplesWithOverlaps: 0,
    seconds: 1,
    masksPerSecond: 30,
    cancelled
  }
}

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
    api.emit('job:event', {
      jobId: 'm1',
      kind: 'merge',
      event: { type: 'progress', done: 2, total: 6, item: 'b', failed: 0 }
    })
    return { api, merge }
  }

  it('fills the bar on a finished merge', async () => {
    const { api, merge } = await started()
    expect([merge.state, merge.done, merge.total]).toEqual(['running', 2, 6])
    api.emit('job:event', {
      jobId: 'm1',
      kind: 'merge',
      event: { type: 'done', result: result(false) }
    })
    expect([merge.state, merge.done]).toEqual(['done', 6])
  })

  it('says cancelled, with the samples actually merged, after a cancel', async () => {
    const { api, merge } = await started()
    await merge.cancel()
    expect(api.calls.at(-1)).toEqual({ channel: 'job:cancel', arg: { jobId: 'm1' } })
    api.emit('job:event', {
      jobId: 'm1',
      kind: 'merge',
      event: { type: 'done', result: result(true) }
    })
    expect([merge.state, merge.done, merge.total]).toEqual(['cancelled', 2, 6])
  })

  it('shows a failed merge with the worker message', async () => {
    const { api, merge } = await started()
    api.emit('job:event', {
      jobId: 'm1',
      kind: 'merge',
      event: { type: 'error', message: 'nothing to merge: no masks found in /d' }
    })
    expect([merge.state, merge.error, merge.jobId]).toEqual([
      'failed',
      'nothing to merge: no masks found in /d',
      null
    ])
  })

  it('finds merged labels already on disk when a dataset opens (after a reload)', async () => {
    const listing = (dir: string, folders: string[]) => ({
      dir,
      parent: null,
      home: '/home',
      folders: folders.map((name) => ({ name, path: `${dir}/${name}` })),
      images: 0,
      truncated: false
    })
    const api = fakeApi({
      'folder:list': (a: { dir: string }) => {
        if (a.dir === '/d/.unet-studio') return listing(a.dir, ['labels', 'merged-binary', 'runs'])
        if (a.dir === '/d/.unet-studio/merged-binary') return listing(a.dir, ['images', 'masks'])
        if (a.dir === '/e/.unet-studio') return listing(a.dir, ['merged-boundary'])
        if (a.dir === '/e/.unet-studio/merged-boundary') return listing(a.dir, [])
        throw new Error(`${a.dir}: no such folder`)
      }
    })
    setApi(api)
    const merge = useMergeStore()
    merge.switchDataset('/d')
    await vi.waitFor(() => expect(merge.merged).toBe('/d/.unet-studio/merged-binary'))
    expect(merge.state).toBe('idle')
    // a half-written merge (no masks yet) is not offered; neither is one of another dataset
    merge.switchDataset('/e')
    expect(merge.merged).toBeNull()
    merge.switchDataset('/nowhere')
    await new Promise((r) => setTimeout(r, 10))
    expect(merge.merged).toBeNull()
  })
})
