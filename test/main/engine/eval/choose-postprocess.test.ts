import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  choosePostprocess,
  DEFAULT_GRID,
  gridSettings
} from '../../../../src-main/engine/eval/choose-postprocess'
import { evaluateRun, labelledSamples } from '../../../../src-main/engine/eval/evaluate'
import {
  type LoadedPredictor,
  loadPredictor
} from '../../../../src-main/engine/infer/load-predictor'
import { DSB_ROOT } from '../postprocess/helpers'
import { FLUO_IDS, writeThresholdRun } from '../infer/fixture-run'

describe('choosePostprocess', () => {
  let tmp: string
  let predictor: LoadedPredictor
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'choose-post-'))
    await writeThresholdRun(join(tmp, 'run'))
    predictor = await loadPredictor(join(tmp, 'run'))
  })
  afterAll(async () => {
    predictor?.model.dispose()
    await rm(tmp, { recursive: true, force: true })
  })

  it('scores the whole grid on real nuclei, best first, and eval then reproduces the chosen score', async () => {
    const { samples } = await labelledSamples(DSB_ROOT, FLUO_IDS)
    expect(samples).toHaveLength(3)
    const settings = gridSettings(predictor)
    expect(settings).toHaveLength(162)
    expect(settings.every((s) => s.h !== undefined && s.seedLevel === undefined)).toBe(true)
    expect(settings.filter((s) => s.tta)).toHaveLength(81)
    expect(settings.filter((s) => s.minScore === 0.7)).toHaveLength(54)
    const r = await choosePostprocess(predictor, DSB_ROOT, samples)
    expect(r.images).toBe(3)
    expect(r.rows).toHaveLength(162)
    for (let i = 1; i < r.rows.length; i++)
      expect(r.rows[i - 1].f1).toBeGreaterThanOrEqual(r.rows[i].f1)
    const fallback = r.rows.find(
      (x) =>
        !x.settings.tta &&
        x.settings.threshold === 0.5 &&
        x.settings.minSize === 10 &&
        x.settings.minScore === 0 &&
        x.settings.h === 2
    )!
    expect(r.chosen.f1).toBeGreaterThanOrEqual(fallback.f1)
    // a bright-is-nucleus model still finds most nuclei of these fluorescence images
    expect(r.chosen.f1).toBeGreaterThan(0.5)
    expect(new Set(r.rows.map((x) => x.f1.toFixed(4))).size).toBeGreaterThan(1)
    // a per-pixel model gains nothing from flips: each TTA row scores as its twin, and the
    // cheaper setting wins the tie
    for (const row of r.rows.filter((x) => x.settings.tta)) {
      const twin = r.rows.find(
        (x) => JSON.stringify(x.settings) === JSON.stringify({ ...row.settings, tta: false })
      )!
      expect(row.f1).toBeCloseTo(twin.f1, 6)
    }
    expect(r.chosen.settings.tta).toBe(false)

    const configPath = join(tmp, 'run', 'config.json')
    const config = JSON.parse(await readFile(configPath, 'utf8'))
    await writeFile(configPath, JSON.stringify({ ...config, postprocess: r.chosen.settings }))
    const scored = await evaluateRun(join(tmp, 'run'), DSB_ROOT, { ids: FLUO_IDS })
    expect(scored.f1).toBeCloseTo(r.chosen.f1, 6)
    expect(scored.ap50).toBeCloseTo(r.chosen.ap50, 6)
    // the scores say how their objects were made
    expect(scored.postprocess).toEqual(r.chosen.settings)

    // a floored row, scored on the shared split, is what eval scores with that floor
    const floored = r.rows.find(
      (x) =>
        !x.settings.tta &&
        x.settings.threshold === 0.5 &&
        x.settings.minSize === 10 &&
        x.settings.minScore === 0.8 &&
        x.settings.h === 2
    )!
    expect(floored.f1).not.toBeCloseTo(fallback.f1, 4)
    const { threshold, minSize, minScore, h } = floored.settings
    const withFloor = await evaluateRun(join(tmp, 'run'), DSB_ROOT, {
      ids: FLUO_IDS,
      tta: false,
      postprocess: { threshold, minSize, minScore, splitOptions: { h: h! } }
    })
    expect(withFloor.f1).toBeCloseTo(floored.f1, 6)
    expect(withFloor.ap50).toBeCloseTo(floored.ap50, 6)
  })

  it('tunes the seed level of instance models and refuses class models and empty sets', async () => {
    const instances: LoadedPredictor = { ...predictor, target: 'both' }
    const s = gridSettings(instances)
    const { threshold, minSize, minScore } = DEFAULT_GRID
    expect(s).toHaveLength(2 * threshold.length * minSize.length * minScore.length * 5)
    expect(s.every((x) => x.seedLevel !== undefined && x.h === undefined)).toBe(true)
    const classes: LoadedPredictor = { ...predictor, target: 'classes' }
    await expect(choosePostprocess(classes, DSB_ROOT, [])).rejects.toThrow(/class models/)
    await expect(choosePostprocess(predictor, DSB_ROOT, [])).rejects.toThrow(/no labelled images/)
  })
})
