import { cp, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scanDataset } from '../../../src-main/data/dataset'
import { readImage, writeImage } from '../../../src-main/data/image-io'
import { readInstanceMap } from '../../../src-main/data/labels'
import { mapLimit } from '../../../src-main/data/map-limit'
import { mergeDataset } from '../../../src-main/data/merge'
import { distinctValues } from '../../../src-main/data/mask-values'
import {
  DSB,
  SHARED,
  copyDsbSamples,
  decodeFirstChannel,
  dsbRows,
  hashTree,
  oneIdPerGroup,
  tempDir
} from './support'

const dirs: string[] = []
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))))

describe('mergeDataset on all 120 DSB2018 samples', () => {
  // Copying the 6,489 files takes 9-12 s on this disk, so this test reads the shared folder in
  // place (merge only reads it) and checks that its file hashes are unchanged afterwards.
  it('binary label = pixelwise OR of the instance masks, for every sample; sources unchanged', async () => {
    const tmp = await tempDir('merge-all')
    dirs.push(tmp)
    const root = DSB
    const before = await hashTree(root)
    const progress: number[] = []
    const out = join(tmp, 'out')
    const s = await mergeDataset(root, out, { onProgress: (p) => progress.push(p.done) })
    expect(s.failed).toEqual([])
    expect([s.samples, s.ok, s.masksMerged, s.overlapPixels]).toEqual([120, 120, 6369, 0])
    expect(progress.sort((a, b) => a - b)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1))

    const scan = await scanDataset(root)
    const expectedMasks = new Map(dsbRows().map((r) => [r.id, r.masks]))
    const wrong: string[] = []
    await mapLimit(scan.samples, 4, async (sample) => {
      const files = sample.instanceMaskPaths ?? []
      expect(files.length).toBe(expectedMasks.get(sample.id))
      const merged = await decodeFirstChannel(join(out, 'masks', `${sample.id}.png`))
      const union = new Uint8Array(merged.data.length)
      await mapLimit(files, 4, async (f) => {
        // DSB masks are 8-bit grey: one sharp call each
        const m = await sharp(f).extractChannel(0).raw().toBuffer()
        expect(m.length).toBe(union.length)
        for (let i = 0; i < union.length; i++) if (m[i] !== 0) union[i] = 255
      })
      if (!Buffer.from(union).equals(Buffer.from(merged.data as Uint8Array))) wrong.push(sample.id)
      const image = await decodeFirstChannel(join(out, 'images', `${sample.id}.png`))
      expect([image.width, image.height, image.channels]).toEqual([merged.width, merged.height, 3])
    })
    expect(wrong).toEqual([])
    expect(await hashTree(root)).toEqual(before)
  }, 300_000)
})

describe('mergeDataset modes and bad inputs', () => {
  let root: string
  let ids: string[]
  beforeAll(async () => {
    ids = oneIdPerGroup().slice(0, 4)
    root = await copyDsbSamples(ids)
    dirs.push(root)
  })

  it('instances: 16-bit ids as read; boundary: 0/1/2, same foreground; copied sources unchanged', async () => {
    const out = await tempDir('merge-modes')
    dirs.push(out)
    const before = await hashTree(root)
    const inst = await mergeDataset(root, join(out, 'inst'), { mode: 'instances' })
    const bnd = await mergeDataset(root, join(out, 'bnd'), { mode: 'boundary' })
    expect([inst.ok, bnd.ok]).toEqual([4, 4])
    for (const sample of (await scanDataset(root)).samples) {
      const map = await readInstanceMap(sample)
      const ids16 = await decodeFirstChannel(join(out, 'inst', 'masks', `${sample.id}.png`))
      expect(ids16.data).toBeInstanceOf(Uint16Array)
      expect(Buffer.from(ids16.data.buffer).equals(Buffer.from(map.ids.buffer))).toBe(true)
      const b = await decodeFirstChannel(join(out, 'bnd', 'masks', `${sample.id}.png`))
      expect(distinctValues(b.data)).toEqual([0, 1, 2])
      for (let i = 0; i < b.data.length; i++) {
        if ((b.data[i] === 0) !== (map.ids[i] === 0)) throw new Error(`pixel ${i} differs`)
      }
    }
    expect(await hashTree(root)).toEqual(before)
  })

  it('--size resizes images and labels; labels nearest (no new values)', async () => {
    const out = await tempDir('merge-size')
    dirs.push(out)
    const s = await mergeDataset(root, out, { mode: 'instances', size: 128 })
    expect(s.ok).toBe(4)
    for (const sample of (await scanDataset(root)).samples) {
      const before = new Set(distinctValues((await readInstanceMap(sample)).ids))
      const m = await decodeFirstChannel(join(out, 'masks', `${sample.id}.png`))
      const img = await decodeFirstChannel(join(out, 'images', `${sample.id}.png`))
      expect([m.width, m.height, img.width, img.height]).toEqual([128, 128, 128, 128])
      const after = distinctValues(m.data)
      expect(after.filter((v) => !before.has(v))).toEqual([])
      expect(after.length).toBeGreaterThan(1)
    }
  })

  it('bad samples are reported with the file, the others still merge', async () => {
    const bad = await copyDsbSamples(ids)
    dirs.push(bad)
    const [a, b, c, d] = ids
    const extra = dsbRows().find((r) => r.masks < 20 && !ids.includes(r.id))!.id
    await copyDsbSamples([extra], bad)
    // a: corrupt instance mask; b: a mask of another size; c: no masks; d: image is a text file
    const maskA = (await scanDataset(bad)).samples.find((s) => s.id === a)!.instanceMaskPaths![0]
    await writeFile(maskA, Buffer.from('not a png at all'))
    const maskB = join(bad, b, 'masks', 'zz-other-size.png')
    const firstB = (await scanDataset(bad)).samples.find((s) => s.id === b)!.instanceMaskPaths![0]
    const meta = await sharp(firstB).metadata()
    await sharp(firstB)
      .resize(meta.width + 1, meta.height, { fit: 'fill' })
      .png()
      .toFile(maskB)
    await rm(join(bad, c, 'masks'), { recursive: true })
    await mkdir(join(bad, c, 'masks'))
    await writeFile(join(bad, d, 'images', `${d}.png`), 'text, not an image')
    await symlink(join(bad, 'nowhere'), join(bad, 'dangling-sample'))
    const out = await tempDir('merge-bad')
    dirs.push(out)
    const s = await mergeDataset(bad, out)
    expect(s.ok).toBe(1)
    const reasons = Object.fromEntries(s.failed.map((f) => [f.file, f.reason]))
    expect(reasons[maskA]).toMatch(/unreadable mask/)
    expect(reasons[maskB]).toMatch(/^mask is \d+x\d+ but its image is \d+x\d+$/)
    expect(reasons[join(bad, d, 'images', `${d}.png`)]).toMatch(/unreadable image/)
    const scanned = Object.fromEntries(s.scanProblems.map((f) => [f.file, f.reason]))
    expect(scanned[join(bad, c, 'masks')]).toBe('no mask files')
    expect(scanned[join(bad, 'dangling-sample')]).toMatch(/symbolic link .*ENOENT/)
    expect(await readdir(join(out, 'masks'))).toEqual([`${extra}.png`])
  })

  it('flat pairs with 16-bit TIFF images: images stay 16-bit, 0/255 masks stay 0/255', async () => {
    const flat = await tempDir('merge-flat16')
    dirs.push(flat)
    await mkdir(join(flat, 'images'))
    await mkdir(join(flat, 'masks'))
    const isbi = join(SHARED, 'isbi2012-em')
    for (const n of [4, 5]) {
      const img = await readImage(join(isbi, 'images', `${n}.png`))
      const data = Uint16Array.from(img.data, (v) => v * 257 + 3)
      await writeImage(join(flat, 'images', `${n}.tif`), { ...img, data, bitDepth: 16 }, 'tiff')
      await cp(join(isbi, 'masks', `${n}.png`), join(flat, 'masks', `${n}_mask.png`))
    }
    const out = join(flat, '..', `${basename(flat)}-out`)
    dirs.push(out)
    const s = await mergeDataset(flat, out)
    expect([s.layout, s.ok]).toEqual(['flat-pairs', 2])
    const back = await readImage(join(out, 'images', '5.png'))
    const src = await readImage(join(flat, 'images', '5.tif'))
    expect(back.bitDepth).toBe(16)
    expect(Buffer.from(back.data.buffer).equals(Buffer.from(src.data.buffer))).toBe(true)
    const mask = await decodeFirstChannel(join(out, 'masks', '5.png'))
    const orig = await decodeFirstChannel(join(isbi, 'masks', '5.png'))
    expect(Buffer.from(mask.data).equals(Buffer.from(orig.data))).toBe(true)
  })

  it('refuses an output folder inside the DSB root, and a root with no masks', async () => {
    await expect(mergeDataset(root, join(root, 'merged'))).rejects.toThrow(/sample folder/)
    const empty = await tempDir('merge-none')
    dirs.push(empty)
    await cp(join(DSB, 'stage1_train', ids[0], 'images'), join(empty, 'images'), {
      recursive: true
    })
    await expect(mergeDataset(empty, join(empty, '..', 'x-out'))).rejects.toThrow(
      /nothing to merge/
    )
  })
})
