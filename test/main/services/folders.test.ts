import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHandlers } from '../../../src-main/handlers'
import {
  checkPredictOutput,
  datasetRootOf,
  PredictOutputError
} from '../../../src-main/data/export/output-check'
import { listFolder } from '../../../src-main/services/folder-service'
import { recordingContext } from '../handlers-support'

let temp = ''
beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), 'folders-'))
  for (const d of ['b10', 'b2', '.hidden', 'flat/images', 'flat/masks', 'photos/images'])
    await mkdir(join(temp, d), { recursive: true })
  for (const f of ['a.png', 'b.TIF', 'notes.txt']) await writeFile(join(temp, f), '')
})
afterAll(() => rm(temp, { recursive: true, force: true }))

describe('folder chooser listing', () => {
  it('lists visible sub-folders in natural order and counts the images', async () => {
    const l = await listFolder(temp)
    expect(l.folders.map((f) => f.name)).toEqual(['b2', 'b10', 'flat', 'photos'])
    expect(l.folders[0].path).toBe(join(temp, 'b2'))
    expect([l.images, l.parent, l.truncated]).toEqual([2, tmpdir(), false])
    expect((await listFolder()).dir).toBe(homedir())
    await expect(listFolder(join(temp, 'a.png'))).rejects.toThrow(/a.png: not a folder/)
  })

  it('allow-lists a chosen folder (an output is made), refuses a file', async () => {
    const h = createHandlers()
    const { ctx } = recordingContext()
    await expect(h['file:png']({ path: join(temp, 'a.png') }, ctx)).rejects.toThrow(/outside/)
    await h['folder:choose']({ path: temp, purpose: 'input' }, ctx)
    await expect(h['file:png']({ path: join(temp, 'nope.png') }, ctx)).rejects.toThrow(/ENOENT/)
    const out = join(temp, 'new', 'out')
    expect((await h['folder:choose']({ path: out, purpose: 'output' }, ctx)).path).toBe(out)
    await expect(
      h['folder:choose']({ path: join(temp, 'a.png'), purpose: 'dataset' }, ctx)
    ).rejects.toThrow(/a.png: not a folder/)
  })
})

describe('prediction outputs', () => {
  it('refuses an output inside the input’s dataset (but not its .unet-studio), by name', () => {
    const flat = join(temp, 'flat')
    expect(datasetRootOf(join(flat, 'images'))).toBe(flat)
    expect(datasetRootOf(join(temp, 'photos', 'images'))).toBe(join(temp, 'photos', 'images'))
    for (const out of [flat, join(flat, 'preds'), join(flat, 'images', 'p')]) {
      const fail = () => checkPredictOutput(join(flat, 'images'), out)
      expect(fail).toThrow(PredictOutputError)
      expect(fail).toThrow(`is inside the dataset ${flat}`)
      expect(fail).toThrow(`e.g. ${flat}-predictions`)
    }
    for (const out of [`${flat}-predictions`, join(flat, '.unet-studio', 'predictions'), temp])
      expect(() => checkPredictOutput(join(flat, 'images'), out)).not.toThrow()
  })
})
