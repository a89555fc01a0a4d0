/**
 * TIFFs are read faithfully or refused by name: float samples keep their values for training
 * and display, signed samples and several pages are refused, never silently collapsed.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeDataset } from '../../../src-main/data/describe'
import { readAnyImage, readImage } from '../../../src-main/data/image-io'
import { findSample, readDisplayImage } from '../../../src-main/data/label-store'
import { normalizeImage } from '../../../src-main/engine/normalize'
import { createHandlers } from '../../../src-main/handlers'
import { recordingContext } from '../handlers-support'
import { SHARED, tempDir } from './support'
import { encodeTiff } from './tiff-fixture'

let dir: string
let grey: Uint8Array
const W = 512

beforeAll(async () => {
  dir = await tempDir('tiff')
  await mkdir(join(dir, 'images'))
  grey = new Uint8Array(
    await sharp(join(SHARED, 'isbi2012-em', 'images', '0.png'))
      .toColourspace('b-w')
      .raw()
      .toBuffer()
  )
  const float = Float32Array.from(grey, (v) => v / 255 - 0.25)
  const signed = Int16Array.from(grey, (v) => v * 100 - 12000)
  const page = { width: W, height: W }
  await writeFile(join(dir, 'images', 'float.tif'), encodeTiff([{ ...page, data: float }]))
  await writeFile(join(dir, 'images', 'signed.tif'), encodeTiff([{ ...page, data: signed }]))
  await writeFile(
    join(dir, 'images', 'pages.tif'),
    encodeTiff([
      { ...page, data: grey },
      { ...page, data: grey }
    ])
  )
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('TIFF samples', () => {
  it('keeps float values for training and stretches them, with their range, for display', async () => {
    const img = await readAnyImage(join(dir, 'images', 'float.tif'))
    expect(img.bitDepth).toBe(32)
    expect(img.channels).toBe(1)
    for (const i of [0, 1000, 77777, W * W - 1])
      expect(img.data[i]).toBeCloseTo(grey[i] / 255 - 0.25, 6)
    const fromFloat = normalizeImage(img, 1).data
    const fromBytes = normalizeImage(
      { data: grey, width: W, height: W, channels: 1, bitDepth: 8 },
      1
    ).data
    for (const i of [0, 1000, 77777]) expect(fromFloat[i]).toBeCloseTo(fromBytes[i], 4)
    await expect(readImage(join(dir, 'images', 'float.tif'))).rejects.toThrow(
      /float\.tif: 32-bit float samples: masks and labels hold 8- or 16-bit unsigned values/
    )
    const shown = await readDisplayImage(dir, await findSample(dir, 'float'))
    const lo = grey.reduce((a, b) => Math.min(a, b), 255) / 255 - 0.25
    const hi = grey.reduce((a, b) => Math.max(a, b), 0) / 255 - 0.25
    expect(shown).toMatchObject({ format: 'raw', bitDepth: 16, width: W, channels: 1 })
    expect(shown.valueRange!.min).toBeCloseTo(lo, 6)
    expect(shown.valueRange!.max).toBeCloseTo(hi, 6)
    const u16 = new Uint16Array(shown.bytes.buffer, shown.bytes.byteOffset, W * W)
    const expected = (i: number) => Math.round(((grey[i] / 255 - 0.25 - lo) * 65535) / (hi - lo))
    for (const i of [0, 1000, 77777]) expect(Math.abs(u16[i] - expected(i))).toBeLessThanOrEqual(1)
    const h = createHandlers({ allow: [dir] })
    const { ctx } = recordingContext()
    const thumb = await h['dataset:thumbnail']({ root: dir, id: 'float', size: 64 }, ctx)
    const stats = await sharp(Buffer.from(thumb.png, 'base64')).stats()
    expect(stats.channels[0].max).toBeGreaterThan(200)
  })

  it('refuses signed samples and multi-page files by name, and lists them as problems', async () => {
    await expect(readAnyImage(join(dir, 'images', 'signed.tif'))).rejects.toThrow(
      /signed\.tif: 16-bit signed samples are not supported \(negative values would be lost\)/
    )
    await expect(readAnyImage(join(dir, 'images', 'pages.tif'))).rejects.toThrow(
      /pages\.tif: multi-page TIFF \(2 pages\): only single-page images are read/
    )
    const desc = await describeDataset(dir)
    expect(desc.problems.map((p) => [p.file.slice(dir.length + 1), p.reason.slice(0, 22)])).toEqual(
      [
        ['images/pages.tif', 'multi-page TIFF (2 pag'],
        ['images/signed.tif', '16-bit signed samples ']
      ]
    )
    expect(desc.bitDepths).toEqual([{ bitDepth: 32, count: 1 }])
  })
})
