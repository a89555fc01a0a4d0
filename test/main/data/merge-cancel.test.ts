import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mergeDataset } from '../../../src-main/data/merge'
import { copyDsbSamples, dsbRows, tempDir } from './support'

describe('mergeDataset cancel', () => {
  let root = ''
  let work = ''
  const ids = dsbRows()
    .filter((r) => r.masks <= 12)
    .slice(0, 6)
    .map((r) => r.id)

  beforeAll(async () => {
    work = await tempDir('unet-merge-cancel-')
    root = await copyDsbSamples(ids, join(work, 'dsb'))
  })
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true })
  })

  it('stops starting samples once aborted and leaves every written pair complete', async () => {
    const abort = new AbortController()
    const out = join(work, 'out')
    const summary = await mergeDataset(root, out, {
      sampleConcurrency: 1,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.done === 2) abort.abort()
      }
    })
    expect(summary.cancelled).toBe(true)
    expect(summary.ok).toBe(2)
    expect(summary.failed).toEqual([])
    const images = (await readdir(join(out, 'images'))).sort()
    const masks = (await readdir(join(out, 'masks'))).sort()
    expect(images).toHaveLength(2)
    expect(masks).toEqual(images)
  })

  it('merges everything when never aborted', async () => {
    const summary = await mergeDataset(root, join(work, 'all'), {
      signal: new AbortController().signal
    })
    expect(summary.cancelled).toBe(false)
    expect(summary.ok).toBe(ids.length)
  })
})
