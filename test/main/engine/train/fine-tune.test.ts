import { cp, mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tf } from '../../../../src-main/engine/backend/tf'
import { createModel } from '../../../../src-main/engine/models'
import { loadModel } from '../../../../src-main/engine/models/model-io'
import { readRunConfig } from '../../../../src-main/engine/run-store'
import { InitMismatchError } from '../../../../src-main/engine/train/init-settings'
import { trainRun } from '../../../../src-main/engine/train/train-run'
import { scanDataset } from '../../../../src-main/data/dataset'
import { saveEditedLabel } from '../../../../src-main/data/label-store'
import { readLabel } from '../../../../src-main/data/labels'
import { copyDsb, copyIsbi } from '../copy-datasets'

const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

/** Largest absolute difference between two weight lists. */
function maxDiff(a: tf.Tensor[], b: tf.Tensor[]): number {
  return Math.max(...a.map((t, i) => tf.tidy(() => tf.max(tf.abs(tf.sub(t, b[i]))).dataSync()[0])))
}

describe('fine-tuning from a model (init)', () => {
  let runA = ''
  let fresh = ''
  let corrected: string[] = []
  beforeAll(async () => {
    // model A: a tiny U-Net trained on 4 DSB images
    const dsb = await copyDsb(7)
    dirs.push(dsb)
    const ids = (await readdir(dsb)).sort()
    const own = (await scanDataset(dsb)).samples
    const train = join(dsb, 'train')
    await mkdir(train)
    for (const id of ids.slice(0, 4)) await cp(join(dsb, id), join(train, id), { recursive: true })
    runA = join(dsb, 'runA')
    const tiny = { size: 32, base: 4, depth: 2, batch: 4, patches: 4 }
    await trainRun({ ...tiny, data: train, out: runA, epochs: 2, val: 0.25 })
    // new images, two of them corrected in the app (edited labels), one not labelled
    fresh = join(dsb, 'fresh')
    await mkdir(fresh)
    for (const id of ids.slice(4))
      await cp(join(dsb, id, 'images', `${id}.png`), join(fresh, `${id}.png`))
    const scan = await scanDataset(fresh)
    corrected = ids.slice(4, 6)
    for (const id of corrected) {
      const truth = await readLabel(
        own.find((s) => s.id === id)!,
        'binary'
      )
      const sample = scan.samples.find((s) => s.id === id)!
      await saveEditedLabel(fresh, sample, { ...truth, kind: 'binary' })
    }
  })

  it('starts from the model’s weights with a fresh split over the images labelled now', async () => {
    const out = join(fresh, '.unet-studio', 'runs', 'ft')
    const logs: string[] = []
    const s = await trainRun(
      { data: fresh, out, init: runA, epochs: 1, patches: 2, batch: 2, val: 0.5, lr: 1e-9 },
      { onLog: (m) => logs.push(m) }
    )
    expect(s.epochs).toBe(1)
    const config = await readRunConfig(out)
    const a = await readRunConfig(runA)
    expect(config.init).toBe(runA)
    expect(config.initWeights).toBe(join(runA, 'model'))
    expect([config.arch, config.base, config.depth, config.classes]).toEqual([
      a.arch,
      a.base,
      a.depth,
      a.classes
    ])
    expect([...config.split.train, ...config.split.val].sort()).toEqual(corrected)
    expect(logs.some((l) => /^fine-tuning from .*runA: \d+ layers' weights loaded$/.test(l))).toBe(
      true
    )
    // with a vanishing learning rate the convolutions keep A's trained weights …
    const trained = await loadModel(join(runA, 'model'))
    const tuned = await loadModel(join(out, 'last'))
    const conv = (m: tf.LayersModel) => m.getLayer('down1_conv1').getWeights()
    expect(maxDiff(conv(tuned), conv(trained))).toBeLessThan(1e-5)
    // … which are far from a fresh initialisation with the same seed
    const scratch = createModel({ ...a, seed: a.seed })
    expect(maxDiff(conv(scratch), conv(trained))).toBeGreaterThan(1e-3)
    for (const m of [trained, tuned, scratch]) m.dispose()
  })

  it('refuses an architecture, label type or input channels that do not fit, by name', async () => {
    const out = join(fresh, '.unet-studio', 'runs', 'bad')
    await expect(trainRun({ data: fresh, out, init: runA, depth: 3 })).rejects.toThrow(
      /InitMismatch|cannot fine-tune from .*runA: its depth is 2, this run asks for 3/
    )
    await expect(
      trainRun({ data: fresh, out, init: runA, classes: 3, loss: 'ce' })
    ).rejects.toThrow(/its classes is 1, this run asks for 3/)
    const isbi = await copyIsbi([0, 1])
    dirs.push(isbi)
    const err = await trainRun({ data: isbi, out: join(isbi, 'ft'), init: runA }).catch((e) => e)
    expect(err).toBeInstanceOf(InitMismatchError)
    expect(err.message).toMatch(/the model takes 3-channel images, the images of .* have 1/)
    await expect(trainRun({ data: fresh, out, init: join(fresh, 'nope') })).rejects.toThrow(
      /nope: no such folder/
    )
  })
})
