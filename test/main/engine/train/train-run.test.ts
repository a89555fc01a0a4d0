import { readdir, readFile, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evaluateRun } from '../../../../src-main/engine/eval/evaluate'
import { runEvaluation } from '../../../../src-main/engine/eval/run-eval'
import { hasCheckpoint } from '../../../../src-main/engine/train/checkpoint'
import { readLog, readRunConfig, loadRun } from '../../../../src-main/engine/run-store'
import { trainRun } from '../../../../src-main/engine/train/train-run'
import { tf } from '../../../../src-main/engine/backend/tf'
import { CLASS_OVERLAY_ALPHA } from '../../../../src-main/data/export/overlay'
import { readImage } from '../../../../src-main/data/image-io'
import { loadPredictor } from '../../../../src-main/engine/infer/load-predictor'
import { folderOptions, predictFolder } from '../../../../src-main/engine/infer/predict-folder'
import { recordedSettings } from '../../../../src-main/engine/infer/prediction-record'
import { predictOptions } from '../../../../src-preload/options/predict'
import { copyCamvid, copyDsb, copyIsbi } from '../copy-datasets'

const small = { size: 64, base: 8, depth: 3, batch: 8 }
const dirs: string[] = []

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

describe('trainRun on real data', () => {
  let dsb = ''
  beforeAll(async () => {
    dsb = await copyDsb(12)
    dirs.push(dsb)
  })

  it('learns DSB2018 nuclei (12 images, 64 px, base 8, depth 3) and leaks no tensors', async () => {
    const tensors: number[] = []
    const logs: string[] = []
    const out = join(dsb, 'run')
    const s = await trainRun(
      { ...small, data: dsb, out, epochs: 6, patches: 4, val: 0.25 },
      { onEpoch: () => tensors.push(tf.memory().numTensors), onLog: (m) => logs.push(m) }
    )
    // per-object masks train a binary foreground by default (split after prediction)
    expect(logs.join('\n')).toMatch(/target binary: the instance masks train their foreground/)
    expect((await readRunConfig(out)).target).toBe('binary')
    expect(s.epochs).toBe(6)
    expect(tensors[2]).toBe(tensors[0])
    expect(tensors[5]).toBe(tensors[0])
    // measured 0.615-0.617 val IoU after 6 epochs (seed 41, wasm, across kernel versions);
    // an all-foreground mask scores 0.12
    expect(s.bestValIou).toBeGreaterThan(0.55)
    const log = await readLog(out)
    expect(log.map((r) => r.epoch)).toEqual([1, 2, 3, 4, 5, 6])
    const { model, config } = await loadRun(out)
    expect(config.channels).toBe(3)
    expect(config.normalization).toBe('per-image-standardize')
    expect(config.split.val).toHaveLength(3)
    expect(model.outputs[0].shape).toEqual([null, null, null, 1])
    model.dispose()
    expect(existsSync(join(out, 'previews', 'epoch-006.png'))).toBe(true)
    // whole images at original resolution (train + val images of this folder)
    const ev = await evaluateRun(out, dsb)
    console.info(
      `DSB: best val IoU ${s.bestValIou.toFixed(3)}, eval IoU ${ev.iou.toFixed(3)} on ${ev.images} images`
    )
    expect(ev.images).toBe(12)
    expect(ev.iou).toBeGreaterThan(0.5)
  })

  it('trains the instance target on per-object masks when asked, and eval scores its instances', async () => {
    const logs: string[] = []
    const out = join(dsb, 'instances')
    const s = await trainRun(
      { ...small, data: dsb, out, epochs: 6, patches: 4, val: 0.25, target: 'instances' },
      { onLog: (m) => logs.push(m) }
    )
    expect(logs.join('\n')).not.toMatch(/target binary/)
    const config = await readRunConfig(out)
    expect([config.target, config.separation, config.classes]).toEqual(['instances', 'both', 1])
    const { model } = await loadRun(out)
    expect(model.outputs[0].shape).toEqual([null, null, null, 4])
    model.dispose()
    const ev = await evaluateRun(out, dsb, { ids: config.split.val })
    console.info(
      `DSB instances: best val IoU ${s.bestValIou.toFixed(3)}, eval IoU ${ev.iou.toFixed(3)} F1 ${ev.f1?.toFixed(3)} (components ${ev.f1Components?.toFixed(3)})`
    )
    // measured val IoU 0.431, F1 0.228 (seed 41, wasm) on today's kernels and augmentation; the
    // instance target learns slower than the binary one at this budget (0.603 above). An
    // all-foreground prediction scores about 0.12 and no separated object.
    expect(s.bestValIou).toBeGreaterThan(0.38)
    expect(ev.f1).toBeGreaterThan(0.15)
  })

  it('learns ISBI membranes with the inverted mask (dark = foreground)', async () => {
    const isbi = await copyIsbi([0, 1, 2, 3, 4, 5])
    dirs.push(isbi)
    const out = join(isbi, 'run')
    const s = await trainRun({
      ...small,
      data: isbi,
      out,
      epochs: 8,
      patches: 8,
      val: 0.34,
      splitMode: 'block',
      invertMask: true
    })
    // measured 0.438-0.454 (seed 41, wasm, block split, across kernel versions); predicting
    // membrane everywhere scores 0.25
    console.info(`ISBI: best val IoU ${s.bestValIou.toFixed(3)}`)
    expect(s.bestValIou).toBeGreaterThan(0.36)
    expect((await readRunConfig(out)).foreground).toMatch(/dark/)
  })

  it('trains multi-class CamVid with weighted softmax cross-entropy, ignoring void (index 11)', async () => {
    const cam = await copyCamvid(6)
    dirs.push(cam)
    const out = join(cam, 'run')
    const s = await trainRun({
      data: cam,
      out,
      size: 32,
      base: 4,
      depth: 2,
      batch: 4,
      patches: 2,
      epochs: 2,
      val: 0.34,
      classes: 11,
      loss: 'ce',
      ignoreIndex: 11,
      autoClassWeights: true
    })
    expect(Number.isFinite(s.lastValIou)).toBe(true)
    const log = await readLog(out)
    expect(log[1].val_loss).toBeLessThan(Math.log(11) + 0.5)
    const header = (await readFile(join(out, 'log.csv'), 'utf8')).split('\n')[0]
    expect(header).toMatch(/,val_iou_0,val_iou_1,.*,val_iou_10$/)
    expect(log[1].val_class_iou).toHaveLength(11)
    expect(log[1].val_class_iou!.filter(Number.isFinite).length).toBeGreaterThan(3)
    await expect(
      trainRun({ data: cam, out: join(cam, 'binary'), size: 32, depth: 2, epochs: 1 })
    ).rejects.toThrow(/masks hold class indices 0\.\.11, but this run is binary \(loss "bce-dice"/)
    const evaluated = await runEvaluation({ model: out, split: 'val' })
    expect(evaluated.perClassIou).toHaveLength(11)
    const scored = evaluated.perClassIou.filter((v) => v !== null)
    expect(scored.length).toBeGreaterThan(3)
    for (const v of scored) expect(v).toBeGreaterThanOrEqual(0)
    expect(evaluated.classNames?.slice(0, 3)).toEqual(['Sky', 'Building', 'Pole'])
    expect(evaluated.classNames).toHaveLength(11)
    // predicting: class masks, overlays tinted by the classes' colours, no threshold recorded
    const predictor = await loadPredictor(out)
    const options = predictOptions.parse({
      model: out,
      input: cam,
      out: `${cam}-pred`,
      overlay: true
    })
    expect(Object.keys(recordedSettings(options, predictor))).not.toContain('threshold')
    await predictFolder(predictor, folderOptions(options))
    predictor.model.dispose()
    dirs.push(`${cam}-pred`)
    const stem = (await readdir(join(cam, 'images')))[0].replace(/\.png$/, '')
    const [image, classes, overlay] = await Promise.all([
      readImage(join(cam, 'images', `${stem}.png`)),
      readImage(join(`${cam}-pred`, 'masks', `${stem}.png`)),
      readImage(join(`${cam}-pred`, 'overlays', `${stem}.png`))
    ])
    const p = 1234
    const k = classes.data[p]
    const colour = (await readRunConfig(out)).project!.classes.find((c) => c.index === k)!.color
    for (let c = 0; c < 3; c++)
      expect(overlay.data[p * 3 + c]).toBe(
        Math.round(
          image.data[p * 3 + c] * (1 - CLASS_OVERLAY_ALPHA) + colour[c] * CLASS_OVERLAY_ALPHA
        )
      )
    const { model, config } = await loadRun(out)
    expect(model.outputs[0].shape).toEqual([null, null, null, 11])
    expect(config.foreground).toMatch(/class indices 0..10/)
    expect(config.classWeights).toHaveLength(11)
    expect(config.project?.classes.map((c) => c.name).slice(0, 3)).toEqual([
      'Sky',
      'Building',
      'Pole'
    ])
    model.dispose()
  })

  it('resumes a stopped run exactly where it left off (same split, same weights, log continues at epoch 3)', async () => {
    const tiny = {
      data: dsb,
      size: 32,
      base: 4,
      depth: 2,
      batch: 4,
      patches: 2,
      epochs: 3,
      limit: 6,
      val: 0.34
    }
    const straight = join(dsb, 'straight')
    const resumed = join(dsb, 'resumed')
    await trainRun({ ...tiny, out: straight })
    let epochs = 0
    const first = await trainRun(
      { ...tiny, out: resumed },
      { onEpoch: () => epochs++, shouldStop: () => epochs >= 2 }
    )
    expect(first.stopped).toBe(true)
    expect(hasCheckpoint(join(resumed, 'last'))).toBe(true)
    expect((await readLog(resumed)).map((r) => r.epoch)).toEqual([1, 2])
    const splitBefore = (await readRunConfig(resumed)).split
    const second = await trainRun({ out: resumed, data: dsb }, {}, { resume: true })
    expect(second.epochs).toBe(3)
    expect((await readRunConfig(resumed)).split).toEqual(splitBefore)
    const a = await readLog(straight)
    const b = await readLog(resumed)
    expect(b.map((r) => r.epoch)).toEqual([1, 2, 3])
    for (let i = 0; i < 3; i++) expect(b[i].loss).toBe(a[i].loss)
    expect(b[2].val_iou).toBe(a[2].val_iou)
    const weights = (run: string) => readFile(join(run, 'last', 'weights.bin'))
    expect((await weights(resumed)).equals(await weights(straight))).toBe(true)
    // stopped in the middle of epoch 2: resume continues at the next step of that epoch
    const mid = join(dsb, 'mid')
    let steps = 0
    const cut = await trainRun(
      { ...tiny, out: mid },
      { onStep: () => steps++, shouldStop: () => steps >= 3 }
    )
    expect(cut.stopped).toBe(true)
    expect((await readLog(mid)).map((r) => r.epoch)).toEqual([1])
    await trainRun({ out: mid, data: dsb }, {}, { resume: true })
    const c = await readLog(mid)
    expect(c.map((r) => r.epoch)).toEqual([1, 2, 3])
    for (let i = 0; i < 3; i++) expect(c[i].loss).toBe(a[i].loss)
    expect(c[2].val_iou).toBe(a[2].val_iou)
    expect((await weights(mid)).equals(await weights(straight))).toBe(true)
  })
})
