/**
 * A folder of 100,000 images opens with one bounded message and is listed page by page in
 * natural name order; no message grows with the dataset.
 */
import { copyFileSync, linkSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_PAGE_ROWS, parseArg } from '../../../src-preload/contract'
import { createHandlers } from '../../../src-main/handlers'
import { SHARED, tempDir } from '../data/support'
import { recordingContext } from '../handlers-support'

const N = 100_000
let dir: string

beforeAll(async () => {
  dir = await tempDir('100k')
  await mkdir(join(dir, 'images'))
  // hard links to a few copies of one real image (a file takes at most ~65,000 links)
  const sources = [0, 1].map((k) => join(dir, `source-${k}.png`))
  for (const s of sources) copyFileSync(join(SHARED, 'isbi2012-em', 'images', '0.png'), s)
  for (let i = 0; i < N; i++) linkSync(sources[i % 2], join(dir, 'images', `img-${i}.png`))
}, 300_000)
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('dataset listing of 100k images', () => {
  it('opens with a bounded summary and first page, then pages in natural order', async () => {
    const h = createHandlers()
    const { ctx } = recordingContext()
    const info = await h['dataset:open']({ dir }, ctx)
    expect(info.sampleCount).toBe(N)
    expect(info.samples).toHaveLength(500)
    expect(info.sizesChecked).toBe(2000)
    expect(info.sizes).toEqual([{ width: 512, height: 512, count: 2000 }])
    expect(info.counts).toEqual({ labelled: 0, unlabelled: N, edited: 0, predicted: 0 })
    expect(JSON.stringify(info).length).toBeLessThan(64 * 1024)
    expect(info.samples.slice(0, 12).map((s) => s.id)).toEqual([
      'img-0',
      'img-1',
      'img-2',
      'img-3',
      'img-4',
      'img-5',
      'img-6',
      'img-7',
      'img-8',
      'img-9',
      'img-10',
      'img-11'
    ])
    const last = await h['dataset:page']({ root: dir, offset: N - 300, limit: 500 }, ctx)
    expect(last.total).toBe(N)
    expect(last.samples).toHaveLength(300)
    expect(last.samples.at(-1)).toEqual({
      id: `img-${N - 1}`,
      width: 512,
      height: 512,
      status: 'unlabelled'
    })
    const img = await h['image:read']({ root: dir, id: 'img-99999' }, ctx)
    expect([img.width, img.height]).toEqual([512, 512])
    expect(() =>
      parseArg('dataset:page', { root: dir, offset: 0, limit: MAX_PAGE_ROWS + 1 })
    ).toThrow(/limit/)
    await expect(h['dataset:page']({ root: join(dir, 'images'), offset: 0 }, ctx)).rejects.toThrow(
      /is not open: open the dataset first/
    )
  })
})
