import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readImage } from '../../../src-main/data/image-io'
import { readTiffPixelSize } from '../../../src-main/data/tiff-resolution'

/**
 * A 2×2 grey little-endian TIFF written byte by byte, as ImageJ writes calibrated images:
 * XResolution in pixels per unit, ResolutionUnit none, the unit in the ImageDescription.
 */
function imagejTiff(pixelsPerUnit: number, description: string): Buffer {
  const text = Buffer.from(description + '\0', 'utf8')
  const entries: [number, number, number, number][] = []
  const n = 11
  const ifd = 8
  const after = ifd + 2 + n * 12 + 4
  const textAt = after
  const ratAt = textAt + text.length + (text.length % 2)
  const pixAt = ratAt + 16
  entries.push([256, 3, 1, 2], [257, 3, 1, 2], [258, 3, 1, 8], [259, 3, 1, 1], [262, 3, 1, 1])
  entries.push([270, 2, text.length, textAt], [273, 4, 1, pixAt], [278, 3, 1, 2], [279, 4, 1, 4])
  entries.push([282, 5, 1, ratAt], [296, 3, 1, 1])
  const buf = Buffer.alloc(pixAt + 4)
  buf.write('II', 0, 'latin1')
  buf.writeUInt16LE(42, 2)
  buf.writeUInt32LE(ifd, 4)
  buf.writeUInt16LE(n, ifd)
  entries.forEach(([tag, type, count, value], k) => {
    const o = ifd + 2 + k * 12
    buf.writeUInt16LE(tag, o)
    buf.writeUInt16LE(type, o + 2)
    buf.writeUInt32LE(count, o + 4)
    if (type === 3) buf.writeUInt16LE(value, o + 8)
    else buf.writeUInt32LE(value, o + 8)
  })
  text.copy(buf, textAt)
  buf.writeUInt32LE(pixelsPerUnit * 1000, ratAt)
  buf.writeUInt32LE(1000, ratAt + 4)
  buf.set([10, 20, 30, 40], pixAt)
  return buf
}

describe('pixel size from a TIFF file', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tiff-res-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  const rgb = () => sharp({ create: { width: 4, height: 4, channels: 3, background: '#333' } })

  it('reads XResolution with ResolutionUnit cm or inch (sharp: xres in pixels per mm)', async () => {
    for (const unit of ['cm', 'inch'] as const) {
      const file = join(dir, `res-${unit}.tif`)
      await rgb().tiff({ xres: 4000, yres: 4000, resolutionUnit: unit }).toFile(file)
      const size = await readTiffPixelSize(file)
      expect(size?.um).toBeCloseTo(0.25, 9)
      expect(size?.source).toMatch(unit === 'cm' ? /pixels per cm/ : /pixels per inch/)
    }
  })

  it('reads ImageJ calibration (pixels per micron, unit in the description)', async () => {
    const file = join(dir, 'imagej.tif')
    await writeFile(file, imagejTiff(6.5, 'ImageJ=1.54f\nunit=micron\n'))
    expect((await readImage(file)).data).toEqual(new Uint8Array([10, 20, 30, 40]))
    expect((await readTiffPixelSize(file))?.um).toBeCloseTo(1 / 6.5, 9)
    await writeFile(file, imagejTiff(2, 'ImageJ=1.54f\nunit=nm\n'))
    expect((await readTiffPixelSize(file))?.um).toBeCloseTo(0.0005, 12)
  })

  it('reads OME-XML PhysicalSizeX', async () => {
    const file = join(dir, 'ome.tif')
    const xml = '<OME><Image><Pixels PhysicalSizeX="0.325" PhysicalSizeXUnit="µm"/></Image></OME>'
    await writeFile(file, imagejTiff(1, xml))
    expect((await readTiffPixelSize(file))?.um).toBeCloseTo(0.325, 9)
  })

  it('ignores print and libvips defaults, files without a resolution, and other formats', async () => {
    const dpi72 = join(dir, 'dpi72.tif')
    await rgb()
      .tiff({ xres: 72 / 25.4, yres: 72 / 25.4 })
      .toFile(dpi72)
    expect(await readTiffPixelSize(dpi72)).toBeNull()
    const vipsDefault = join(dir, 'vips.tif')
    await rgb().tiff().toFile(vipsDefault)
    expect(await readTiffPixelSize(vipsDefault)).toBeNull()
    const plain = join(dir, 'plain.tif')
    await writeFile(plain, imagejTiff(1, 'no calibration'))
    expect(await readTiffPixelSize(plain)).toBeNull()
    const png = join(dir, 'a.png')
    await rgb().png().toFile(png)
    expect(await readTiffPixelSize(png)).toBeNull()
  })
})
