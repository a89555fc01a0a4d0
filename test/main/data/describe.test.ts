import { cp, mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeDataset } from '../../../src-main/data/dataset'
import { readImage, writeImage } from '../../../src-main/data/image-io'
import { SHARED, copyDsbSamples, oneIdPerGroup, tempDir } from './support'

let dir: string
beforeAll(async () => void (dir = await tempDir('describe')))
afterAll(() => rm(dir, { recursive: true, force: true }))

/** Flat pairs made from ISBI sections, each mask rewritten by `mask`. */
async function isbiVariant(name: string, mask: (path: string, out: string) => Promise<void>) {
  const root = join(dir, name)
  await mkdir(join(root, 'images'), { recursive: true })
  await mkdir(join(root, 'masks'), { recursive: true })
  for (const n of [0, 1, 2]) {
    await cp(join(SHARED, 'isbi2012-em', 'images', `${n}.png`), join(root, 'images', `${n}.png`))
    await mask(join(SHARED, 'isbi2012-em', 'masks', `${n}.png`), join(root, 'masks', `${n}.png`))
  }
  return root
}

describe('describeDataset', () => {
  it('ISBI: flat pairs, 512x512 grey 8-bit, binary 0/255', async () => {
    const d = await describeDataset(join(SHARED, 'isbi2012-em'))
    expect([d.layout, d.samples, d.samplesWithMasks]).toEqual(['flat-pairs', 24, 24])
    expect(d.sizes).toEqual([{ width: 512, height: 512, count: 24 }])
    expect([d.channels, d.bitDepths]).toEqual([
      [{ channels: 1, count: 24 }],
      [{ bitDepth: 8, count: 24 }]
    ])
    expect([d.mask.kind, d.mask.valuesSeen, d.problems]).toEqual(['binary-0-255', [0, 255], []])
  })

  it('CamVid: class indices 0..11 seen', async () => {
    const d = await describeDataset(join(SHARED, 'camvid-segnet'))
    expect([d.layout, d.samples, d.channels[0].channels]).toEqual(['flat-pairs', 36, 3])
    expect([d.mask.kind, d.mask.valuesSeen]).toEqual([
      'class-index',
      Array.from({ length: 12 }, (_, i) => i)
    ])
  })

  it('DSB: per-instance files holding 0/255, alpha counted', async () => {
    const root = await copyDsbSamples(oneIdPerGroup().slice(0, 3), join(dir, 'dsb'))
    const d = await describeDataset(root)
    expect([d.layout, d.mask.kind, d.mask.values, d.withAlpha]).toEqual([
      'dsb2018',
      'per-instance-files',
      'binary-0-255',
      3
    ])
    expect(d.instanceMasks!.files).toBeGreaterThan(3)
  })

  it('0/1 masks and 16-bit instance-id masks are told apart', async () => {
    const zeroOne = await isbiVariant('zero-one', async (p, out) => {
      const m = await readImage(p)
      await writeImage(out, { ...m, data: m.data.map((v) => (v ? 1 : 0)) })
    })
    expect((await describeDataset(zeroOne)).mask.kind).toBe('binary-0-1')
    const ids = await isbiVariant('ids', async (p, out) => {
      const m = await readImage(p)
      const { labelComponents } = await import('../../../src-main/data/instances')
      const c = labelComponents(m.data, m.width, m.height)
      await writeImage(out, { ...m, data: c.ids, bitDepth: 16 })
    })
    const d = await describeDataset(ids)
    expect([d.mask.kind, d.mask.valuesSeen.length > 20]).toEqual(['instance-id', true])
  })

  it('reports a mask of the wrong size and a corrupt image by file, still describing the rest', async () => {
    const root = await isbiVariant('bad', async (p, out) => {
      await cp(p, out)
    })
    await sharp(join(SHARED, 'isbi2012-em', 'masks', '1.png'))
      .resize(500, 512)
      .toFile(join(root, 'masks', '1.tmp.png'))
    const { rename } = await import('node:fs/promises')
    await rename(join(root, 'masks', '1.tmp.png'), join(root, 'masks', '1.png'))
    await writeFile(join(root, 'images', '2.png'), 'broken')
    const d = await describeDataset(root)
    expect(d.problems).toEqual([
      {
        sample: '2',
        file: join(root, 'images', '2.png'),
        reason: expect.stringMatching(/^unreadable image/)
      },
      {
        sample: '1',
        file: join(root, 'masks', '1.png'),
        reason: 'mask is 500x512 but its image is 512x512'
      }
    ])
    expect(d.sizes).toEqual([{ width: 512, height: 512, count: 2 }])
  })
})
