import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readLog, type LogRow } from '../../../../src-main/engine/run-store'
import { trainRun } from '../../../../src-main/engine/train/train-run'
import { copyDsb } from '../copy-datasets'

let dsb = ''

beforeAll(async () => {
  dsb = await copyDsb(8)
})

afterAll(async () => {
  await rm(dsb, { recursive: true, force: true })
})

/** Two epochs at the recipe's sizes (96 px, base 16: Winograd F(6×6), both threads) into `name`. */
async function train(name: string, seed: number): Promise<void> {
  const recipe = { size: 96, base: 16, batch: 8, patches: 2, epochs: 2, val: 0.25 }
  await trainRun({ ...recipe, data: dsb, out: join(dsb, name), seed })
}

const bytes = (name: string, file: string): Promise<Buffer> => readFile(join(dsb, name, file))

/** log.csv's rows without the seconds column (the only one that may differ between repeats). */
async function scores(name: string): Promise<Omit<LogRow, 'seconds'>[]> {
  return (await readLog(join(dsb, name))).map(({ seconds: _, ...figures }) => figures)
}

describe('a seeded run repeats', () => {
  it('trains the same weights and optimizer state, bit for bit, from the same seed', async () => {
    await train('first', 41)
    await train('again', 41)
    await train('other-seed', 42)
    for (const file of ['model/weights.bin', 'last/weights.bin', 'last/optimizer.bin']) {
      const first = await bytes('first', file)
      expect(first.length).toBeGreaterThan(10_000)
      expect((await bytes('again', file)).equals(first), file).toBe(true)
    }
    expect(await scores('again')).toEqual(await scores('first'))
    // the comparison can fail: another seed (split, crops, initial weights) trains other weights
    const other = await bytes('other-seed', 'last/weights.bin')
    expect(other.equals(await bytes('first', 'last/weights.bin'))).toBe(false)
  })
})
