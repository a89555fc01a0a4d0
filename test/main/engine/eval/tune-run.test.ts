import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveModel } from '../../../../src-main/engine/builtin-models'
import { evaluateRun } from '../../../../src-main/engine/eval/evaluate'
import { tuneRun } from '../../../../src-main/engine/eval/tune-run'
import { SHARED } from '../../data/support'
import { DSB_ROOT } from '../postprocess/helpers'
import { FLUO_IDS, writeThresholdRun } from '../infer/fixture-run'

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

  it('refuses binary masks, built-in models and bad options, naming the reason', async () => {
    await expect(tuneRun({ model: run, data: join(SHARED, 'isbi2012-em') })).rejects.toThrow(
      /isbi2012-em: none of the \d+ labelled images chosen has instance labels/
    )
    await expect(tuneRun({ model: resolveModel('nuclei') })).rejects.toThrow(/a built-in model/)
    await expect(tuneRun({ model: run, tta: 'yes' as unknown as boolean })).rejects.toThrow()
  })
})
