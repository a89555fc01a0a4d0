import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readImage } from '../../../../src-main/data/image-io'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { instanceMetrics } from '../../../../src-main/engine/postprocess/instance-metrics'
import {
  type LoadedPredictor,
  loadPredictor
} from '../../../../src-main/engine/infer/load-predictor'
import { predictFolder, settingsFor } from '../../../../src-main/engine/infer/predict-folder'
import { recordedSettings } from '../../../../src-main/engine/infer/prediction-record'
import { PREDICT_DEFAULTS } from '../../../../src-preload/options/predict'
import { labelsConnected, readDsbInstances } from '../postprocess/helpers'
import { naturalCompare } from '../../../../src-main/data/natural-sort'
import { copyImages, FLUO_IDS, writeThresholdRun } from './fixture-run'

describe('predictFolder', () => {
  let tmp: string
  let predictor: LoadedPredictor
  const input = (): string => join(tmp, 'input')
  beforeAll(async () => {
    await initBackend()
    tmp = await mkdtemp(join(tmpdir(), 'predict-folder-'))
    await writeThresholdRun(join(tmp, 'run'))
    await copyImages(input())
    await writeFile(join(input(), 'broken.png'), 'not a png at all')
    predictor = await loadPredictor(join(tmp, 'run'))
  })
  afterAll(async () => {
    predictor?.model.dispose()
    await rm(tmp, { recursive: true, force: true })
  })

  it('exports masks, instances, overlays and CSVs, and reports the corrupt image', async () => {
    const out = join(tmp, 'out')
    const s = await predictFolder(predictor, {
      input: input(),
      out,
      instances: true,
      overlay: true,
      csv: true
    })
    expect(s).toMatchObject({ images: 4, done: 3, skipped: 0, failed: 1, cancelled: false })
    expect(s.problems[0].file).toContain('broken.png')
    const rows = (await readFile(join(out, 'measurements.csv'), 'utf8')).trim().split('\n').slice(1)
    const counts = (await readFile(join(out, 'counts.csv'), 'utf8')).trim().split('\n').slice(1)
    expect(counts).toHaveLength(3)
    expect(rows).toHaveLength(s.objects)
    for (const id of FLUO_IDS) {
      const inst = await readImage(join(out, 'instances', `${id}.png`))
      const mask = await readImage(join(out, 'masks', `${id}.png`))
      const overlay = await readImage(join(out, 'overlays', `${id}.png`))
      expect(inst.bitDepth).toBe(16)
      expect(overlay.channels).toBe(3)
      const labels = Int32Array.from(inst.data)
      const count = labels.reduce((m, v) => Math.max(m, v), 0)
      expect(labelsConnected(labels, inst.width, inst.height, count)).toBe(true)
      const mine = rows.filter((r) => r.startsWith(`${id}.png,`)).map((r) => r.split(','))
      expect(mine).toHaveLength(count)
      const foreground = Array.from(mask.data).filter((v) => v === 255).length
      expect(mine.reduce((n, r) => n + Number(r[2]), 0)).toBe(foreground)
      for (const r of mine)
        expect(Number(r[2])).toBe(labels.reduce((n, v) => n + (v === Number(r[1]) ? 1 : 0), 0))
      expect(counts.find((c) => c.startsWith(`${id}.png,`))).toBe(
        `${id}.png,256,256,${count},${foreground}`
      )
      const gt = await readDsbInstances(id)
      expect(instanceMetrics(gt.labels, labels, gt.width, gt.height).f1).toBeGreaterThan(0.6)
    }
  })

  it('resumes an interrupted run without redoing finished images', async () => {
    const out = join(tmp, 'resume')
    const controller = new AbortController()
    const first = await predictFolder(predictor, {
      input: input(),
      out,
      csv: true,
      instances: true,
      signal: controller.signal,
      onProgress: (p) => p.index === 1 && controller.abort()
    })
    expect(first).toMatchObject({ done: 1, cancelled: true })
    const finished = join(out, 'masks', `${[...FLUO_IDS].sort(naturalCompare)[0]}.png`)
    const before = (await stat(finished)).mtimeMs
    const second = await predictFolder(predictor, {
      input: input(),
      out,
      csv: true,
      instances: true
    })
    expect(second).toMatchObject({ done: 2, skipped: 1, failed: 1, cancelled: false })
    expect((await stat(finished)).mtimeMs).toBe(before)
    const all = await predictFolder(predictor, {
      input: input(),
      out: join(tmp, 'once'),
      csv: true,
      instances: true
    })
    const csv = (dir: string): Promise<string> => readFile(join(dir, 'measurements.csv'), 'utf8')
    expect(await csv(out)).toBe(await csv(join(tmp, 'once')))
    const changed = await predictFolder(predictor, {
      input: input(),
      out,
      csv: true,
      instances: true,
      threshold: 0.6
    })
    expect(changed).toMatchObject({ done: 3, skipped: 0 })
    expect(all.objects).toBe(second.objects)
  })

  it('leaves only this run’s outputs: a cancelled re-run with other settings, a failed image', async () => {
    const out = join(tmp, 'rerun')
    const stems = [...FLUO_IDS].sort(naturalCompare)
    await predictFolder(predictor, { input: input(), out, instances: true })
    await writeFile(join(out, 'masks', 'broken.png'), 'a mask an older run left')
    const controller = new AbortController()
    const rerun = await predictFolder(predictor, {
      input: input(),
      out,
      instances: true,
      threshold: 0.6,
      signal: controller.signal,
      onProgress: (p) => p.index === 1 && controller.abort()
    })
    expect(rerun).toMatchObject({ done: 1, failed: 0, cancelled: true })
    const present = async (dir: string, stem: string) =>
      stat(join(out, dir, `${stem}.png`)).then(
        () => true,
        () => false
      )
    expect(await present('masks', 'broken')).toBe(false)
    expect(await present('masks', stems[0])).toBe(true)
    for (const stem of stems.slice(1)) {
      expect([await present('masks', stem), await present('instances', stem)]).toEqual([
        false,
        false
      ])
    }
    const counts = (await readFile(join(out, 'counts.csv'), 'utf8')).trim().split('\n').slice(1)
    expect(counts.map((c) => c.split(',')[0])).toEqual([`${stems[0]}.png`])
    await writeFile(join(out, 'masks', 'broken.png'), 'a mask an older run left')
    const again = await predictFolder(predictor, { input: input(), out, instances: true })
    expect(again).toMatchObject({ done: 3, skipped: 0, failed: 1, cancelled: false })
    expect(await present('masks', 'broken')).toBe(false)
    const kept = await predictFolder(predictor, {
      input: input(),
      out,
      instances: true,
      signal: AbortSignal.abort()
    })
    expect(kept).toMatchObject({ done: 0, cancelled: true })
    const all = (await readFile(join(out, 'counts.csv'), 'utf8')).trim().split('\n').slice(1)
    expect(all).toHaveLength(3)
  })

  it('writes TIFF when asked', async () => {
    const out = join(tmp, 'tiff')
    const s = await predictFolder(predictor, {
      input: input(),
      out,
      instances: true,
      format: 'tiff'
    })
    expect(s.done).toBe(3)
    const inst = await readImage(join(out, 'instances', `${FLUO_IDS[1]}.tif`))
    expect([inst.width, inst.bitDepth]).toEqual([256, 16])
  })

  it('adds physical columns from --pixel-size, or from a TIFF input’s own resolution', async () => {
    const header = async (dir: string) =>
      (await readFile(join(dir, 'measurements.csv'), 'utf8')).split('\n')
    const given = join(tmp, 'um')
    await predictFolder(predictor, { input: input(), out: given, csv: true, pixelSize: 0.5 })
    const [head, first] = await header(given)
    const cols = head.split(',')
    expect(cols).toEqual(
      expect.arrayContaining(['perimeter', 'solidity', 'area_um2', 'major_axis_um'])
    )
    const row = first.split(',')
    const at = (name: string) => Number(row[cols.indexOf(name)])
    expect(at('pixel_size_um')).toBe(0.5)
    expect(at('area_um2')).toBeCloseTo(at('area') * 0.25, 2)
    expect(at('perimeter_um')).toBeCloseTo(at('perimeter') * 0.5, 2)
    const tiffs = join(tmp, 'tiff-input')
    await mkdir(tiffs, { recursive: true })
    await sharp(join(input(), `${FLUO_IDS[0]}.png`))
      .tiff({ xres: 2000, yres: 2000, resolutionUnit: 'cm' })
      .toFile(join(tiffs, 'calibrated.tif'))
    await sharp(join(input(), `${FLUO_IDS[1]}.png`))
      .tiff()
      .toFile(join(tiffs, 'plain.tif'))
    const own = join(tmp, 'um-tiff')
    await predictFolder(predictor, { input: tiffs, out: own, csv: true })
    const lines = await header(own)
    const c = lines[0].split(',')
    const sizes = new Set(lines.slice(1, -1).map((l) => l.split(',')[c.indexOf('pixel_size_um')]))
    expect(sizes).toEqual(new Set(['0.5', '']))
    const plain = join(tmp, 'no-um')
    await predictFolder(predictor, { input: input(), out: plain, csv: true })
    expect((await header(plain))[0]).not.toContain('_um')
  })

  it("uses the model's chosen post-processing where none is given, the user's where given", async () => {
    const chosenRun = join(tmp, 'chosen-run')
    await writeThresholdRun(chosenRun, {
      postprocess: { threshold: 0.7, minSize: 400, h: 3, tta: true }
    })
    const chosen = await loadPredictor(chosenRun)
    try {
      expect(settingsFor(chosen)).toMatchObject({ threshold: 0.7, minSize: 400 })
      expect(settingsFor(chosen).splitOptions.h).toBe(3)
      expect(settingsFor(chosen, { minSize: 5 }).minSize).toBe(5)
      expect(settingsFor(predictor)).toMatchObject({ threshold: 0.5, minSize: 10, tta: false })
      expect(settingsFor(chosen).tta).toBe(true)
      expect(settingsFor(chosen, { tta: false }).tta).toBe(false)
      const ids = async (out: string) =>
        Promise.all(
          FLUO_IDS.map(async (id) => (await readImage(join(out, 'instances', `${id}.png`))).data)
        )
      const byModel = join(tmp, 'by-model')
      const byHand = join(tmp, 'by-hand')
      const overridden = join(tmp, 'overridden')
      const plain = join(tmp, 'plain-settings')
      const a = await predictFolder(chosen, { input: input(), out: byModel, instances: true })
      const b = await predictFolder(predictor, {
        input: input(),
        out: byHand,
        instances: true,
        threshold: 0.7,
        minSize: 400,
        splitOptions: { h: 3 }
      })
      expect(a.objects).toBe(b.objects)
      expect(await ids(byModel)).toEqual(await ids(byHand))
      const c = await predictFolder(chosen, {
        input: input(),
        out: overridden,
        instances: true,
        threshold: 0.5,
        minSize: 10,
        splitOptions: { h: 2 }
      })
      const d = await predictFolder(predictor, { input: input(), out: plain, instances: true })
      expect(c.objects).toBe(d.objects)
      expect(c.objects).toBeGreaterThan(a.objects)
      const recorded = recordedSettings(
        { ...PREDICT_DEFAULTS, input: input(), out: byModel, minSize: 50 },
        chosen
      )
      expect(recorded).toMatchObject({ threshold: 0.7, minSize: 50, h: 3, tta: true })
      const withoutTta = { ...PREDICT_DEFAULTS, input: input(), out: byModel, tta: false }
      expect(recordedSettings(withoutTta, chosen)).toMatchObject({ threshold: 0.7, tta: false })
      // the model's TTA is part of what an export was made with: turned off, nothing is skipped
      const again = await predictFolder(chosen, { input: input(), out: byModel, instances: true })
      expect(again.skipped).toBe(FLUO_IDS.length)
      const off = await predictFolder(chosen, {
        input: input(),
        out: byModel,
        instances: true,
        tta: false
      })
      expect([off.skipped, off.done]).toEqual([0, FLUO_IDS.length])
    } finally {
      chosen.model.dispose()
    }
    const badRun = join(tmp, 'bad-chosen-run')
    await writeThresholdRun(badRun, { postprocess: { threshold: 2 } })
    await expect(loadPredictor(badRun)).rejects.toThrow(/config\.json: postprocess\.threshold: /)
  })
})
