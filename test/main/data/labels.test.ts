import { cp, mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeImage } from '../../../src-main/data/image-io'
import { LabelError, readLabel } from '../../../src-main/data/labels'
import { distinctValues } from '../../../src-main/data/mask-values'
import { SHARED, copyDsbSamples, oneIdPerGroup, tempDir } from './support'

let dir: string
beforeAll(async () => void (dir = await tempDir('labels')))
afterAll(() => rm(dir, { recursive: true, force: true }))

const isbi = (n: number) => ({
  id: String(n),
  imagePath: join(SHARED, 'isbi2012-em', 'images', `${n}.png`),
  maskPath: join(SHARED, 'isbi2012-em', 'masks', `${n}.png`)
})

describe('readLabel', () => {
  it('ISBI 0/255 masks become 0/1; CamVid class indices are kept', async () => {
    const bin = await readLabel(isbi(0), 'binary')
    expect([bin.valueKind, distinctValues(bin.data)]).toEqual(['binary-0-255', [0, 1]])
    const frame = '0001TP_006840.png'
    const camvid = {
      id: 'f',
      imagePath: join(SHARED, 'camvid-segnet', 'images', frame),
      maskPath: join(SHARED, 'camvid-segnet', 'masks', frame)
    }
    const classes = await readLabel(camvid, 'classes')
    expect(classes.valueKind).toBe('class-index')
    expect(Math.max(...distinctValues(classes.data))).toBeLessThanOrEqual(11)
    expect(distinctValues(classes.data).length).toBeGreaterThan(5)
  })

  it('a mask whose size differs from its image is an error naming the mask', async () => {
    const mask = join(dir, 'small-mask.png')
    await sharp(isbi(1).maskPath).resize(256, 256, { kernel: 'nearest' }).toFile(mask)
    const err = await readLabel({ ...isbi(1), maskPath: mask }, 'binary').catch((e) => e)
    expect(err).toBeInstanceOf(LabelError)
    expect(err.file).toBe(mask)
    expect(err.reason).toBe('mask is 256x256 but its image is 512x512')
  })

  it('a corrupt mask or image is an error naming that file', async () => {
    const bad = join(dir, 'corrupt.png')
    await writeFile(bad, 'garbage')
    const m = await readLabel({ ...isbi(2), maskPath: bad }, 'binary').catch((e) => e)
    expect([m.file, m.reason]).toEqual([bad, expect.stringMatching(/^unreadable mask/)])
    const i = await readLabel({ ...isbi(2), imagePath: bad }, 'binary').catch((e) => e)
    expect([i.file, i.reason]).toEqual([bad, expect.stringMatching(/^unreadable image/)])
  })

  it('reads a 16-bit instance mask holding 1 even after 8-bit masks', async () => {
    const id = oneIdPerGroup()[1]
    const root = await copyDsbSamples([id], join(dir, 'dsb'))
    const masks = join(root, id, 'masks')
    const meta = await sharp(join(root, id, 'images', `${id}.png`)).metadata()
    const data = new Uint16Array(meta.width * meta.height)
    data.fill(1, 0, 40)
    await writeImage(join(masks, 'zzzz-16bit.png'), {
      data,
      width: meta.width,
      height: meta.height,
      channels: 1,
      bitDepth: 16
    })
    const { scanDataset } = await import('../../../src-main/data/dataset')
    const sample = (await scanDataset(root)).samples[0]
    const label = await readLabel(sample, 'instances')
    const last = sample.instanceMaskPaths!.length
    expect(label.instances).toBe(last)
    expect([...label.data.subarray(0, 40)].every((v) => v === last)).toBe(true)
  })

  it('a sample without masks is an error naming its image', async () => {
    await mkdir(join(dir, 'x'), { recursive: true })
    await cp(isbi(3).imagePath, join(dir, 'x', '3.png'))
    const err = await readLabel({ id: '3', imagePath: join(dir, 'x', '3.png') }, 'binary').catch(
      (e) => e
    )
    expect([err.file, err.reason]).toEqual([join(dir, 'x', '3.png'), 'sample has no mask'])
  })
})
