import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scanDataset } from '../../../../src-main/data/dataset'
import { saveEditedLabel } from '../../../../src-main/data/label-store'
import { loadSplit, prepareRun } from '../../../../src-main/engine/train/train-setup'
import { SHARED } from '../../data/support'

const ISBI = join(SHARED, 'isbi2012-em')

describe('training data from edited labels', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'unet-train-setup-'))
    await mkdir(join(dir, 'data/images'), { recursive: true })
    for (const n of ['0', '1', '2']) {
      await cp(join(ISBI, `images/${n}.png`), join(dir, `data/images/${n}.png`))
    }
  })
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('refuses an images-only folder with no labels, then trains on labels painted in the editor', async () => {
    const data = join(dir, 'data')
    const input = { data, out: join(dir, 'run'), size: 64, val: 0.34, seed: 3 }
    await expect(prepareRun(input, false, () => undefined, 't')).rejects.toThrow(
      /at least 2 labelled/
    )

    const scan = await scanDataset(data)
    for (const sample of scan.samples.filter((s) => s.id !== '2')) {
      const label = new Uint8Array(512 * 512)
      label.fill(255, 0, 512 * 100)
      await saveEditedLabel(data, sample, { data: label, width: 512, height: 512, kind: 'binary' })
    }
    const { config, samples, lock } = await prepareRun(input, false, () => undefined, 't')
    await lock.release()
    expect([...config.split.train, ...config.split.val].sort()).toEqual(['0', '1'])
    const { train, val } = await loadSplit(config, samples, () => undefined)
    const loaded = [...train, ...val]
    expect(loaded).toHaveLength(2)
    for (const s of loaded) {
      expect(s.label[0]).toBe(1)
      expect(s.label[s.label.length - 1]).toBe(0)
      const ones = s.label.reduce((n, v) => n + v, 0)
      expect(ones).toBe(512 * 100)
    }
    expect(config.normalization).toBe('per-image-standardize')
    expect(loaded.map((s) => s.sign)).toEqual([1, 1])

    // --polarity: recorded in config.json, and the EM images' bright background inverted
    const inverted = await prepareRun(
      { ...input, out: join(dir, 'run-polarity'), polarity: true },
      false,
      () => undefined,
      't'
    )
    await inverted.lock.release()
    expect(inverted.config.normalization).toBe('per-image-standardize-polarity')
    const split = await loadSplit(inverted.config, inverted.samples, () => undefined)
    expect([...split.train, ...split.val].map((s) => s.sign)).toEqual([-1, -1])
  })
})
