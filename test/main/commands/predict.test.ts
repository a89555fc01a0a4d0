import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
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
      'overlays'
    ])
  })

  it('draws a progress bar', () => {
    expect(
      progressLine({ index: 1, total: 4, image: 'a.png', status: 'done', objects: 3 }, 8)
    ).toBe('[##------] 1/4 a.png (done, 3 objects)')
  })
})
