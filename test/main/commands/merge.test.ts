import { readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { distinctValues } from '../../../src-main/data/mask-values'
import {
  copyDsbSamples,
  decodeFirstChannel,
  hashTree,
  oneIdPerGroup,
  tempDir
} from '../data/support'
import { lastJson, runCli } from './cli-run'

let dir: string
let root: string
let ids: string[]
beforeAll(async () => {
  dir = await tempDir('merge-cli')
  ids = oneIdPerGroup().slice(0, 3)
  root = await copyDsbSamples(ids, join(dir, 'dsb'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('merge command (subprocess)', () => {
  it('writes images/ + masks/ for the good samples, reports the bad one, exits 0', async () => {
    const bad = (await readdir(join(root, ids[1], 'masks')))[0]
    await writeFile(join(root, ids[1], 'masks', bad), 'truncated')
    const before = await hashTree(root)
    const out = join(dir, 'out-boundary')
    const r = await runCli([
      'merge',
      root,
      '--out',
      out,
      '--mode',
      'boundary',
      '--size',
      '96',
      '--json'
    ])
    expect(r.code).toBe(0)
    const j = lastJson(r.stdout)
    expect(j).toMatchObject({ mode: 'boundary', size: 96, samples: 3, ok: 2 })
    expect(j.failed).toEqual([
      {
        sample: ids[1],
        file: join(root, ids[1], 'masks', bad),
        reason: expect.stringMatching(/^unreadable mask/)
      }
    ])
    expect(r.stderr).toContain(`failed ${join(root, ids[1], 'masks', bad)}: unreadable mask`)
    expect(r.stderr).toMatch(/merged 3\/3 samples/)
    const good = [ids[0], ids[2]].map((id) => `${id}.png`).sort()
    expect((await readdir(join(out, 'masks'))).sort()).toEqual(good)
    expect((await readdir(join(out, 'images'))).sort()).toEqual(good)
    for (const f of good) {
      const m = await decodeFirstChannel(join(out, 'masks', f))
      expect([m.width, m.height, m.channels]).toEqual([96, 96, 1])
      expect(distinctValues(m.data)).toEqual([0, 1, 2])
    }
    expect(await hashTree(root)).toEqual(before)
  })

  it('exits non-zero when nothing could be merged, or on a bad option', async () => {
    const only = await copyDsbSamples([ids[0]], join(dir, 'one'))
    const m = (await readdir(join(only, ids[0], 'masks')))[0]
    await writeFile(join(only, ids[0], 'masks', m), 'bad')
    const r = await runCli(['merge', only, '--out', join(dir, 'out-none'), '--json'])
    expect(r.code).toBe(1)
    expect(lastJson(r.stdout)).toMatchObject({ ok: 0, samples: 1 })
    const mode = await runCli(['merge', root, '--out', join(dir, 'x'), '--mode', 'blobs'])
    expect([mode.code, mode.stderr]).toEqual([
      1,
      expect.stringMatching(
        /bad merge options: --mode: .*expected one of "binary"\|"instances"\|"boundary"/
      )
    ])
    const size = await runCli(['merge', root, '--out', join(dir, 'x'), '--size', '0'])
    expect(size.code).not.toBe(0)
  })
})
