import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readImage, writeImage, type RawImage } from '../../../src-main/data/image-io'
import { readImageSize } from '../../../src-main/data/image-size'
import { SHARED, dsbRows, tempDir } from './support'

let dir: string
beforeAll(async () => void (dir = await tempDir('image-io')))
afterAll(() => rm(dir, { recursive: true, force: true }))

/** A real ISBI section widened to 16 bits (value * 257 + a ramp, so low bits matter). */
async function sixteenBit(channels: 1 | 3): Promise<RawImage> {
  const isbi = await readImage(join(SHARED, 'isbi2012-em', 'images', '3.png'))
  const n = isbi.width * isbi.height
  const data = new Uint16Array(n * channels)
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) data[i * channels + c] = isbi.data[i] * 257 - c - (i % 7)
  }
  return { data, width: isbi.width, height: isbi.height, channels, bitDepth: 16 }
}

describe('image-io', () => {
  for (const format of ['png', 'tiff'] as const) {
    it(`16-bit ${format} round trip keeps every value (grey and RGB)`, async () => {
      for (const channels of [1, 3] as const) {
        const img = await sixteenBit(channels)
        const path = join(dir, `sixteen-${channels}.${format === 'png' ? 'png' : 'tif'}`)
        await writeImage(path, img, format)
        const back = await readImage(path)
        expect([back.bitDepth, back.channels, back.width, back.height]).toEqual([
          16,
          channels,
          512,
          512
        ])
        expect(back.data).toBeInstanceOf(Uint16Array)
        expect(
          Buffer.from(back.data.buffer, back.data.byteOffset, back.data.byteLength).equals(
            Buffer.from(img.data.buffer)
          )
        ).toBe(true)
        expect((await sharp(path).metadata()).depth).toBe('ushort')
      }
    })
  }

  it('8-bit TIFF round trip', async () => {
    const img = await readImage(join(SHARED, 'camvid-segnet', 'images', '0001TP_006840.png'))
    await writeImage(join(dir, 'rgb.tif'), img, 'tiff')
    const back = await readImage(join(dir, 'rgb.tif'))
    expect([back.bitDepth, back.channels]).toEqual([8, 3])
    expect(Buffer.from(back.data).equals(Buffer.from(img.data))).toBe(true)
  })

  it('drops the alpha channel of RGBA images unless asked to keep it', async () => {
    const id = dsbRows()[0].id
    const path = join(SHARED, 'dsb2018', 'stage1_train', id, 'images', `${id}.png`)
    const rgb = await readImage(path)
    const rgba = await readImage(path, { dropAlpha: false })
    expect([rgb.channels, rgba.channels]).toEqual([3, 4])
    for (let i = 0; i < rgb.width * rgb.height; i += 97) {
      expect([...rgb.data.subarray(i * 3, i * 3 + 3)]).toEqual([
        ...rgba.data.subarray(i * 4, i * 4 + 3)
      ])
      expect(rgba.data[i * 4 + 3]).toBe(255)
    }
  })

  it('reads sizes from headers and names a corrupt file', async () => {
    expect(await readImageSize(join(SHARED, 'isbi2012-em', 'masks', '0.png'))).toEqual({
      width: 512,
      height: 512
    })
    await writeFile(join(dir, 'bad.png'), 'not an image')
    await expect(readImage(join(dir, 'bad.png'))).rejects.toThrow()
    await expect(readImageSize(join(dir, 'bad.png'))).rejects.toThrow()
  })
})
