import { createHash } from 'node:crypto'
import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readImage, writeImage } from '../../../src-main/data/image-io'
import {
  assertInsideDataset,
  editedLabelPath,
  findSample,
  readDisplayImage,
  readEffectiveLabel,
  readTrainingLabel,
  saveEditedLabel
} from '../../../src-main/data/label-store'

const DATASETS = resolve(import.meta.dirname, '../../../../shared/datasets')
const DSB_ID = '4ff152d76db095f75c664dd48e41e8c9953fd0e784535883916383165e28a08e'

function sameBytes(a: Uint8Array | Uint16Array, b: Uint8Array | Uint16Array): boolean {
  const bytes = (x: Uint8Array | Uint16Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength)
  return a.constructor === b.constructor && bytes(a).equals(bytes(b))
}

async function hashTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const name of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!name.isFile()) continue
    const p = join(name.parentPath, name.name)
    out[p] = createHash('sha256')
      .update(await readFile(p))
      .digest('hex')
  }
  return out
}

describe('label store', () => {
  let tmp: string
  let dsb: string
  let isbi: string

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'unet-label-store-'))
    dsb = join(tmp, 'dsb')
    await cp(join(DATASETS, 'dsb2018/stage1_train', DSB_ID), join(dsb, DSB_ID), { recursive: true })
    isbi = join(tmp, 'isbi')
    for (const sub of ['images', 'masks']) {
      await mkdir(join(isbi, sub), { recursive: true })
      for (const n of ['0', '1']) {
        await cp(join(DATASETS, 'isbi2012-em', sub, `${n}.png`), join(isbi, sub, `${n}.png`))
      }
    }
  })
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true })
  })

  it('merges DSB instance masks into an id map, saves edits as 16-bit beside the originals', async () => {
    const before = await hashTree(join(dsb, DSB_ID))
    const nMasks = (await readdir(join(dsb, DSB_ID, 'masks'))).length
    const sample = await findSample(dsb, DSB_ID)
    const own = await readEffectiveLabel(dsb, sample)
    expect(own.kind).toBe('instances')
    expect(own.source).toBe('dataset')
    expect(own.data).toBeInstanceOf(Uint16Array)
    expect(new Set(own.data).size - 1).toBe(nMasks)

    const edited = Uint16Array.from(own.data)
    edited.fill(777, 0, 40)
    const path = await saveEditedLabel(dsb, sample, { ...own, data: edited })
    expect(path).toBe(join(dsb, '.unet-studio/labels', `${DSB_ID}.png`))
    expect((await sharp(path).metadata()).depth).toBe('ushort')
    const back = await readEffectiveLabel(dsb, sample)
    expect(back.source).toBe('edited')
    expect(back.kind).toBe('instances')
    expect(sameBytes(back.data, edited)).toBe(true)
    expect(await hashTree(join(dsb, DSB_ID))).toEqual(before)

    const train = await readTrainingLabel(dsb, sample, 'instances')
    expect(sameBytes(train.data, edited)).toBe(true)
    expect(train.instances).toBe(new Set(edited).size - 1)
    const boundary = await readTrainingLabel(dsb, sample, 'boundary')
    expect(new Set(boundary.data)).toEqual(new Set([0, 1, 2]))
  })

  it('reads flat 0/255 masks as binary 0/1 and saves binary edits as 8-bit 0/255', async () => {
    const sample = await findSample(isbi, '1')
    const own = await readEffectiveLabel(isbi, sample)
    expect(own).toMatchObject({ kind: 'binary', source: 'dataset', width: 512, height: 512 })
    expect(new Set(own.data)).toEqual(new Set([0, 1]))
    const data = Uint8Array.from(own.data)
    data.fill(1, 0, 512 * 3)
    const path = await saveEditedLabel(isbi, sample, { ...own, data })
    const raw = await readImage(path)
    expect(raw.bitDepth).toBe(8)
    expect(raw.data[0]).toBe(255)
    expect(new Set(raw.data)).toEqual(new Set([0, 255]))
    expect(sameBytes((await readEffectiveLabel(isbi, sample)).data, data)).toBe(true)
    const train = await readTrainingLabel(isbi, sample, 'binary')
    expect(sameBytes(train.data, data)).toBe(true)
    const untouched = await readTrainingLabel(isbi, await findSample(isbi, '0'), 'binary')
    expect(new Set(untouched.data)).toEqual(new Set([0, 1]))
    const wrong = { ...own, data: new Uint8Array(16), width: 4, height: 4 }
    await expect(saveEditedLabel(isbi, sample, wrong)).rejects.toThrow(/512x512/)
  })

  it('gives an empty binary label for images without masks, and 16-bit images raw', async () => {
    const dir = join(tmp, 'only')
    await mkdir(dir)
    const px = new Uint16Array(32 * 24).map((_, i) => i * 50)
    await writeImage(join(dir, 'deep.png'), {
      data: px,
      width: 32,
      height: 24,
      channels: 1,
      bitDepth: 16
    })
    const sample = await findSample(dir, 'deep')
    const label = await readEffectiveLabel(dir, sample)
    expect(label).toMatchObject({ kind: 'binary', source: 'empty', width: 32, height: 24 })
    const img = await readDisplayImage(dir, sample)
    expect(img).toMatchObject({ format: 'raw', bitDepth: 16, channels: 1, width: 32 })
    expect(sameBytes(new Uint16Array(img.bytes.buffer, img.bytes.byteOffset, 32 * 24), px)).toBe(
      true
    )
    const png = await readDisplayImage(isbi, await findSample(isbi, '0'))
    expect(png.format).toBe('png')
    expect((await sharp(png.bytes).metadata()).width).toBe(512)
  })

  it('refuses ids and files that escape the dataset', async () => {
    expect(() => editedLabelPath(isbi, '../../evil')).toThrow(/Invalid sample id/)
    await expect(findSample(isbi, 'nope')).rejects.toThrow(/No sample/)
    const outside = join(tmp, 'outside.png')
    await cp(join(isbi, 'images/0.png'), outside)
    await expect(assertInsideDataset(isbi, outside)).rejects.toThrow(/outside the dataset/)
    const link = join(isbi, 'images/link.png')
    await symlink(outside, link)
    await expect(assertInsideDataset(isbi, link)).rejects.toThrow(/outside the dataset/)
    await assertInsideDataset(isbi, join(isbi, 'images/1.png'))
  })
})
