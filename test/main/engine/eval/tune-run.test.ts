import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveModel } from '../../../../src-main/engine/builtin-models'
import { evaluateRun } from '../../../../src-main/engine/eval/evaluate'
import { tuneRun } from '../../../../src-main/engine/eval/tune-run'
import { acquireRunLock } from '../../../../src-main/engine/train/run-lock'
import { writeImage } from '../../../../src-main/data/image-io'
import { editedLabelPath } from '../../../../src-main/data/label-store'
import { SHARED } from '../../data/support'
import { DSB_ROOT, readDsbInstances } from '../postprocess/helpers'
import { copyImages, FLUO_IDS, writeThresholdRun } from '../infer/fixture-run'

describe('tune: a run’s post-processing chosen and saved', () => {
  let tmp: string
  let run: string
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'tune-'))
    run = join(tmp, 'run')
    await writeThresholdRun(run, { split: { train: [], val: FLUO_IDS } })
  })
  afterAll(() => rm(tmp, { recursive: true, force: true }))

  it('chooses on the run’s validation images and saves it; eval then scores with it', async () => {
    const seen: number[] = []
    const r = await tuneRun({ model: run, tta: false }, (done) => seen.push(done))
    expect(seen).toEqual([1, 2, 3])
    expect(r).toMatchObject({ runDir: run, data: DSB_ROOT, images: 3, before: null })
    expect(r.best[0]).toEqual(r.chosen)
    expect(r.chosen.settings).toMatchObject({ tta: false, minScore: expect.any(Number) })
    const config = JSON.parse(await readFile(join(run, 'config.json'), 'utf8'))
    expect(config.postprocess).toEqual(r.chosen.settings)
    // the run's own scores now use what was chosen: eval reproduces the chosen F1
    const scored = await evaluateRun(run, DSB_ROOT, { ids: FLUO_IDS })
    expect(scored.postprocess).toEqual(r.chosen.settings)
    expect(scored.f1).toBeCloseTo(r.chosen.f1, 6)
    // tuning again starts from what is saved
    const again = await tuneRun({ model: run, tta: false })
    expect(again.before).toEqual(r.chosen.settings)
    expect(again.chosen.settings).toEqual(r.chosen.settings)
  })

  it('takes edited instance labels: a binary-mask folder whose labels were separated in the app', async () => {
    // the three images with binary masks (touching nuclei merged), then each label edited into
    // separated objects (a 16-bit id map, as the editor saves instance labels)
    const data = join(tmp, 'flat')
    await copyImages(join(data, 'images'))
    await mkdir(join(data, 'masks'))
    for (const id of FLUO_IDS) {
      const { labels, width, height } = await readDsbInstances(id)
      const mask = Uint8Array.from(labels, (v) => (v ? 255 : 0))
      await writeImage(join(data, 'masks', `${id}.png`), {
        data: mask,
        width,
        height,
        channels: 1,
        bitDepth: 8
      })
    }
    await expect(tuneRun({ model: run, data, tta: false })).rejects.toThrow(/has instance labels/)
    for (const id of FLUO_IDS) {
      const { labels, width, height } = await readDsbInstances(id)
      const path = editedLabelPath(data, id)
      await mkdir(dirname(path), { recursive: true })
      const ids = Uint16Array.from(labels)
      await writeImage(path, { data: ids, width, height, channels: 1, bitDepth: 16 })
    }
    const edited = await tuneRun({ model: run, data, tta: false })
    const own = await tuneRun({ model: run, tta: false })
    expect(edited.images).toBe(3)
    expect(edited.chosen).toEqual(own.chosen)
  })

  it('refuses binary masks, built-in models and bad options, naming the reason', async () => {
    await expect(tuneRun({ model: run, data: join(SHARED, 'isbi2012-em') })).rejects.toThrow(
      /isbi2012-em: none of the \d+ labelled images chosen has instance labels/
    )
    await expect(tuneRun({ model: resolveModel('nuclei') })).rejects.toThrow(/a built-in model/)
    // stopped after its first image, it saves nothing
    const saved = await readFile(join(run, 'config.json'), 'utf8')
    const stop = new AbortController()
    await expect(
      tuneRun({ model: run, tta: false }, () => stop.abort(), stop.signal)
    ).rejects.toThrow(/tuning stopped after 1 of 3 images; its post-processing is unchanged/)
    expect(await readFile(join(run, 'config.json'), 'utf8')).toBe(saved)
    // a run being trained is not touched: its config is the trainer's
    const lock = await acquireRunLock(run, 'train-x')
    try {
      await expect(tuneRun({ model: run })).rejects.toThrow(/is being trained by job train-x/)
    } finally {
      await lock.release()
    }
    await expect(tuneRun({ model: run, tta: 'yes' as unknown as boolean })).rejects.toThrow()
  })
})
