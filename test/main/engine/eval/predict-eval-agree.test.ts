import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { resolveModel } from '../../../../src-main/engine/builtin-models'
import { runEvaluation } from '../../../../src-main/engine/eval/run-eval'
import { autoTile, loadPredictor } from '../../../../src-main/engine/infer/load-predictor'
import { predictFolder } from '../../../../src-main/engine/infer/predict-folder'
import { copyDsb } from '../copy-datasets'

const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

describe('Predict and Evaluate see an image the same way', () => {
  let dsb = ''
  beforeAll(async () => {
    await initBackend('wasm')
    dsb = await copyDsb(2, 'fluorescence-696x520')
    dirs.push(dsb, `${dsb}-out`)
  })

  it('finds the same objects per image with the shipped model (whole images up to 1024×1024)', async () => {
    const model = resolveModel('nuclei')
    const predictor = await loadPredictor(model)
    try {
      await predictFolder(predictor, { input: dsb, out: `${dsb}-out` })
    } finally {
      predictor.model.dispose()
    }
    const counts = (await readFile(join(`${dsb}-out`, 'counts.csv'), 'utf8'))
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','))
    const predicted = new Map(counts.map((c) => [c[0].replace(/\.png$/, ''), Number(c[3])]))
    const evaluated = await runEvaluation({ model, data: dsb, split: 'all' })
    expect(evaluated.perImage).toHaveLength(2)
    for (const row of evaluated.perImage) {
      expect(row.predicted).toBeGreaterThan(5)
      expect(predicted.get(row.id)).toBe(row.predicted)
    }
  })

  it('predicts whole up to 1024×1024 pixels and in tiles beyond', () => {
    expect(autoTile(696, 520, 512)).toBe(0)
    expect(autoTile(1024, 1024, 512)).toBe(0)
    expect(autoTile(1025, 1024, 512)).toBe(512)
    expect(autoTile(4000, 300, 512)).toBe(512)
  })
})
