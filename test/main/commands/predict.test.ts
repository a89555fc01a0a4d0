import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { appVersion } from '../../../src-main/app-version'
import { progressLine, registerPredictCommand } from '../../../src-main/commands/predict'
import { copyImages, FLUO_IDS, writeThresholdRun } from '../engine/infer/fixture-run'

describe('predict command', () => {
  let tmp: string
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'predict-cli-'))
    await writeThresholdRun(join(tmp, 'run'))
    await copyImages(join(tmp, 'in'), FLUO_IDS.slice(0, 2))
    await writeFile(join(tmp, 'in', 'zz-truncated.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]))
  })
  afterAll(() => rm(tmp, { recursive: true, force: true }))

  it('exports a folder and prints the JSON summary last on stdout', async () => {
    const out: string[] = []
    const err: string[] = []
    const so = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((s) => (out.push(String(s)), true))
    const se = vi
      .spyOn(process.stderr, 'write')
      .mockImplementation((s) => (err.push(String(s)), true))
    try {
      const program = new Command().exitOverride()
      registerPredictCommand(program)
      await program.parseAsync(
        [
          'predict',
          '--model',
          join(tmp, 'run'),
          '--input',
          join(tmp, 'in'),
          '--out',
          join(tmp, 'out'),
          '--instances',
          '--overlay',
          '--csv',
          '--tile',
          '64',
          '--overlap',
          '16',
          '--json'
        ],
        { from: 'user' }
      )
    } finally {
      so.mockRestore()
      se.mockRestore()
    }
    const summary = JSON.parse(out.at(-1)!)
    expect(summary).toMatchObject({ images: 3, done: 2, failed: 1, skipped: 0 })
    expect(summary.objects).toBeGreaterThan(10)
    expect(summary.imagesPerSecond).toBeGreaterThan(0)
    expect(err.join('')).toContain('zz-truncated.png')
    expect(err.join('')).toContain('2/3')
    expect((await readdir(join(tmp, 'out'))).sort()).toEqual([
      '.work',
      'counts.csv',
      'instances',
      'masks',
      'measurements.csv',
      'overlays',
      'prediction.json'
    ])
    const record = JSON.parse(await readFile(join(tmp, 'out', 'prediction.json'), 'utf8'))
    expect(record).toMatchObject({
      version: 1,
      app: { name: 'UNet Studio', version: appVersion() },
      input: join(tmp, 'in'),
      model: { path: join(tmp, 'run'), labelType: 'binary', classes: 1 },
      settings: { instances: true, overlay: true, csv: true, tile: 64, overlap: 16 },
      result: { images: 3, done: 2, failed: 1, cancelled: false }
    })
    expect(Date.parse(record.date)).toBeLessThanOrEqual(Date.parse(record.finishedAt))
    expect(appVersion()).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('writes to the sibling <input>-predictions by default, and never into the dataset', async () => {
    const program = new Command().exitOverride()
    registerPredictCommand(program)
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      const args = ['predict', '--model', join(tmp, 'run'), '--input', join(tmp, 'in')]
      await expect(
        program.parseAsync([...args, '--out', join(tmp, 'in', 'preds')], { from: 'user' })
      ).rejects.toThrow(/PredictOutputError|inside the dataset .*in-predictions/)
      await program.parseAsync(args, { from: 'user' })
    } finally {
      err.mockRestore()
    }
    const record = JSON.parse(
      await readFile(join(tmp, 'in-predictions', 'prediction.json'), 'utf8')
    )
    expect(record.input).toBe(join(tmp, 'in'))
  })

  it('refuses an overlap that leaves no room in the tiles before writing anything', async () => {
    const program = new Command().exitOverride()
    registerPredictCommand(program)
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    const out = join(tmp, 'no-room')
    try {
      const args = ['predict', '--model', join(tmp, 'run'), '--input', join(tmp, 'in')]
      await expect(
        program.parseAsync([...args, '--out', out, '--tile', '64', '--overlap', '64'], {
          from: 'user'
        })
      ).rejects.toThrow('overlap 64 must be smaller than the tile 64')
    } finally {
      err.mockRestore()
    }
    expect(existsSync(out)).toBe(false)
  })

  it('refuses an output folder holding the predictions of another input, naming both', async () => {
    await copyImages(join(tmp, 'other'), FLUO_IDS.slice(0, 1))
    const held = join(tmp, 'in-predictions')
    const before = await readFile(join(held, 'prediction.json'), 'utf8')
    const masks = (await readdir(join(held, 'masks'))).sort()
    const program = new Command().exitOverride()
    registerPredictCommand(program)
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      const args = ['predict', '--model', join(tmp, 'run'), '--input', join(tmp, 'other')]
      await expect(program.parseAsync([...args, '--out', held], { from: 'user' })).rejects.toThrow(
        `output folder ${held} holds the predictions of ${join(tmp, 'in')} (its prediction.json): choose another folder for ${join(tmp, 'other')}`
      )
    } finally {
      err.mockRestore()
    }
    expect(await readFile(join(held, 'prediction.json'), 'utf8')).toBe(before)
    expect((await readdir(join(held, 'masks'))).sort()).toEqual(masks)
  })

  it('predicts with the built-in nuclei model: no training, no download', async () => {
    const out: string[] = []
    const so = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((s) => (out.push(String(s)), true))
    const se = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      const program = new Command().exitOverride()
      registerPredictCommand(program)
      await program.parseAsync(
        [
          'predict',
          '--model',
          'nuclei',
          '--input',
          join(tmp, 'in'),
          '--out',
          join(tmp, 'nuclei'),
          '--instances',
          '--json'
        ],
        { from: 'user' }
      )
    } finally {
      so.mockRestore()
      se.mockRestore()
    }
    const summary = JSON.parse(out.at(-1)!)
    expect(summary).toMatchObject({ images: 3, done: 2, failed: 1 })
    expect(summary.objects).toBeGreaterThan(20)
    expect((await readdir(join(tmp, 'nuclei', 'instances'))).sort()).toEqual(
      FLUO_IDS.slice(0, 2).map((id) => `${id}.png`)
    )
  })

  it('draws a progress bar', () => {
    expect(
      progressLine({ index: 1, total: 4, image: 'a.png', status: 'done', objects: 3 }, 8)
    ).toBe('[##------] 1/4 a.png (done, 3 objects)')
  })
})
