import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SHARED, copyDsbSamples, oneIdPerGroup, tempDir } from '../data/support'
import { lastJson, runCli } from './cli-run'

let dir: string
beforeAll(async () => void (dir = await tempDir('info-cli')))
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('info command (subprocess)', () => {
  it('describes a DSB copy with a bad sample and prints JSON last', async () => {
    const ids = oneIdPerGroup().slice(0, 3)
    const root = await copyDsbSamples(ids, join(dir, 'dsb'))
    await writeFile(join(root, ids[2], 'masks', 'notes.txt'), 'x')
    const r = await runCli(['info', root, '--json'])
    expect(r.code).toBe(0)
    const j = lastJson(r.stdout)
    expect(j).toMatchObject({ layout: 'dsb2018', samples: 3, readableImages: 3 })
    expect(j.maskDescription).toBe('per-instance files, one object each (binary 0/255)')
    expect(j.problems).toEqual([
      {
        sample: ids[2],
        file: join(root, ids[2], 'masks', 'notes.txt'),
        reason: 'not an image file (PNG, JPEG or TIFF)'
      }
    ])
    expect(r.stdout).toMatch(/layout: +dsb2018/)
  })

  it('says CamVid holds class indices and lists them', async () => {
    const r = await runCli(['info', join(SHARED, 'camvid-segnet'), '--json'])
    expect(r.code).toBe(0)
    expect(lastJson(r.stdout).maskDescription).toBe(
      'class indices (classes seen: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)'
    )
  })

  it('exits non-zero when no image can be read, naming the files', async () => {
    const root = join(dir, 'broken')
    await mkdir(root)
    await writeFile(join(root, 'a.png'), 'not a png')
    const r = await runCli(['info', root, '--json'])
    expect(r.code).not.toBe(0)
    const j = lastJson(r.stdout)
    expect(j).toMatchObject({ layout: 'images-only', samples: 1, readableImages: 0 })
    expect((j.problems as { file: string }[])[0].file).toBe(join(root, 'a.png'))
    const empty = join(dir, 'empty')
    await mkdir(empty)
    const e = await runCli(['info', empty])
    expect([e.code, e.stderr]).toEqual([1, expect.stringMatching(/no dataset found in/)])
  })
})
