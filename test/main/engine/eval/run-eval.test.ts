import { existsSync } from 'node:fs'
import { cp, mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mergeDataset } from '../../../../src-main/data/merge'
import { readRunConfig } from '../../../../src-main/engine/run-store'
import {
  NothingToEvaluateError,
  readEvalReport,
  runEvaluation,
  worstFirst
} from '../../../../src-main/engine/eval/run-eval'
import { trainRun } from '../../../../src-main/engine/train/train-run'
import { copyCamvid, copyDsb, copyIsbi } from '../copy-datasets'

const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

describe('evaluation: the validation split by default, instance ground truth of any kind', () => {
  let dsb = ''
  let run = ''
  beforeAll(async () => {
    dsb = await copyDsb(4)
    dirs.push(dsb)
    run = join(dsb, '.unet-studio', 'runs', 'r')
    const tiny = { size: 32, base: 4, depth: 2, batch: 4, patches: 4 }
    await trainRun({ ...tiny, data: dsb, out: run, epochs: 2, val: 0.5 })
  })

  it('scores the run’s validation images of its own dataset, worst first, with predictions', async () => {
    const out = join(run, 'eval', 'val')
    const r = await runEvaluation({ model: run, split: 'val', out })
    const { split } = await readRunConfig(run)
    expect(r).toMatchObject({ split: 'val', data: dsb, model: run, images: 2, labelType: 'binary' })
    expect(r.perImage.map((p) => p.id).sort()).toEqual(split.val)
    expect(r.f1).toBeGreaterThanOrEqual(0)
    const f1s = r.perImage.map((p) => p.f1!)
    expect(f1s).toEqual([...f1s].sort((a, b) => a - b))
    for (const p of r.perImage) {
      expect(p.truth).toBeGreaterThan(0)
      const meta = await sharp(join(out, p.prediction)).metadata()
      expect([meta.width, meta.depth]).toEqual([256, 'ushort'])
    }
    expect(await readEvalReport(out)).toEqual(r)
    const all = await runEvaluation({ model: run, split: 'all' })
    expect(all.images).toBe(4)
  })

  it('reads 16-bit instance-id maps as instance ground truth (same scores as the DSB masks)', async () => {
    const merged = join(dsb, '..', `${dsb.split('/').pop()}-instances`)
    dirs.push(merged)
    await mergeDataset(dsb, merged, { mode: 'instances' })
    const fromIds = await runEvaluation({ model: run, data: merged, split: 'all' })
    const fromMasks = await runEvaluation({ model: run, data: dsb, split: 'all' })
    expect(fromIds.images).toBe(4)
    expect(fromIds.f1).toBeDefined()
    expect(fromIds.f1).toBeCloseTo(fromMasks.f1!, 10)
    expect(fromIds.ap50).toBeCloseTo(fromMasks.ap50!, 10)
    expect(fromIds.iou).toBeCloseTo(fromMasks.iou, 10)
  })

  it('says so when the validation images are not in the folder given', async () => {
    const isbi = await copyIsbi([0, 1])
    dirs.push(isbi)
    const err = await runEvaluation({ model: run, data: isbi, split: 'val' }).catch((e) => e)
    expect(err).toBeInstanceOf(NothingToEvaluateError)
    expect(err.message).toMatch(
      /none of the run's 2 validation images is labelled in .*--split all/
    )
    expect(existsSync(join(isbi, 'eval.json'))).toBe(false)
  })
})

describe('evaluation refuses labels that do not fit the model, before scoring', () => {
  let dsb = ''
  let run = ''
  let camvid = ''
  beforeAll(async () => {
    dsb = await copyDsb(2)
    camvid = await copyCamvid(2)
    dirs.push(dsb, camvid)
    run = join(dsb, '.unet-studio', 'runs', 'r')
    const tiny = { size: 32, base: 4, depth: 2, batch: 2, patches: 2 }
    await trainRun({ ...tiny, data: dsb, out: run, epochs: 1, val: 0.5 })
  })

  it('refuses a binary model on class-index masks, naming the folder, the model and why', async () => {
    const out = join(camvid, 'eval-out')
    const err = await runEvaluation({ model: run, data: camvid, split: 'all', out }).catch((e) => e)
    expect(err).toBeInstanceOf(Error)
    expect(err.message).toContain(`${camvid}: cannot evaluate ${run} on these labels`)
    expect(err.message).toMatch(/masks hold class indices 0\.\.\d+, but the model is binary/)
    expect(existsSync(join(out, 'eval.json'))).toBe(false)
  })

  it('refuses a class model whose class count differs from the folder’s classes', async () => {
    const classRun = join(dsb, '.unet-studio', 'runs', 'classes')
    await cp(run, classRun, { recursive: true })
    const config = await readRunConfig(classRun)
    const classes = { classes: 20, loss: 'ce', target: 'classes', ignoreIndex: -1 }
    await writeFile(join(classRun, 'config.json'), JSON.stringify({ ...config, ...classes }))
    const project = {
      version: 1,
      labelType: 'classes',
      classes: [0, 1, 2].map((index) => ({ index, name: `c${index}`, color: [index, 0, 0] }))
    }
    await mkdir(join(camvid, '.unet-studio'), { recursive: true })
    await writeFile(join(camvid, '.unet-studio', 'project.json'), JSON.stringify(project))
    const err = await runEvaluation({ model: classRun, data: camvid, split: 'all' }).catch((e) => e)
    expect(err.message).toMatch(/the folder has 3 classes \(project\.json\), the model is 20-class/)
    const onDsb = await runEvaluation({ model: classRun, data: dsb, split: 'all' }).catch((e) => e)
    expect(onDsb.message).toMatch(/not class indices; the model is 20-class/)
  })
})

describe('worstFirst', () => {
  it('orders by object F1, equal F1 by IoU, then by name', () => {
    const row = (id: string, f1: number, iou: number) => ({ id, f1, iou, dice: 0 })
    const rows = [row('a', 0, 0.35), row('b', 0.5, 0.1), row('c', 0, 0.09), row('d', 0, 0.09)]
    expect(worstFirst(rows).map((r) => r.id)).toEqual(['c', 'd', 'a', 'b'])
    expect(worstFirst([row('z', 0, 0.2), row('y', 0, 0.2)]).map((r) => r.id)).toEqual(['y', 'z'])
  })
})
