import { cp, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, describe, expect, it } from 'vitest'
import { parseClassesCsv, parseLabelmap } from '../../../src-main/data/class-table'
import { readImage } from '../../../src-main/data/image-io'
import { loadProject, projectPath, saveProject } from '../../../src-main/data/project'
import { createHandlers } from '../../../src-main/handlers'
import { trainingClasses } from '../../../src-preload/project'
import { copyCamvid, copyDsb, copyIsbi } from '../engine/copy-datasets'
import { recordingContext } from '../handlers-support'
import { SHARED, tempDir } from './support'

const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

describe('project.json', () => {
  it('CamVid: seeded from classes.csv, class 0 is Sky (not background), 11 Unlabelled is ignored', async () => {
    const dir = await copyCamvid(2)
    dirs.push(dir)
    const { project, seeded } = await loadProject(dir)
    expect(seeded).toBe(true)
    expect(project.labelType).toBe('classes')
    expect(project.classesFrom).toBe('classes.csv')
    expect(project.classes).toHaveLength(12)
    expect(project.classes[0]).toEqual({
      index: 0,
      name: 'Sky',
      color: [128, 128, 128],
      background: false,
      ignore: false
    })
    expect(project.classes[1].name).toBe('Building')
    expect(project.classes[11]).toMatchObject({ name: 'Unlabelled', ignore: true })
    expect(project.detected).toMatchObject({ labelType: 'classes' })
    expect(trainingClasses(project)).toMatchObject({ classes: 11, ignoreIndex: 11 })
    expect(trainingClasses(project).names.slice(0, 2)).toEqual(['Sky', 'Building'])
    const onDisk = JSON.parse(await readFile(projectPath(dir), 'utf8'))
    expect(onDisk.classes[3].name).toBe('Road')
    expect((await loadProject(dir)).seeded).toBe(false)
  })

  it('ISBI: binary 0/255 with white on most pixels (a hint to invert, not applied)', async () => {
    const dir = await copyIsbi([0, 1, 2])
    dirs.push(dir)
    const { project } = await loadProject(dir)
    expect(project.labelType).toBe('binary')
    expect(project.invert).toBe(false)
    expect(project.detected?.values).toBe('binary 0/255')
    expect(project.detected?.foregroundShare).toBeGreaterThan(0.7)
    expect(project.detected?.foregroundShare).toBeLessThan(0.85)
    expect(project.classes.map((c) => c.name)).toEqual(['Background', 'Foreground'])
    expect(trainingClasses(project)).toMatchObject({ classes: 1, ignoreIndex: -1 })
  })

  it('DSB: instances; images only: binary with no masks', async () => {
    const dsb = await copyDsb(2)
    const only = await tempDir('only')
    dirs.push(dsb, only)
    expect((await loadProject(dsb)).project).toMatchObject({
      labelType: 'instances',
      detected: { labelType: 'instances', values: 'one mask file per object' }
    })
    await cp(join(SHARED, 'isbi2012-em/images/3.png'), join(only, '3.png'))
    expect((await loadProject(only)).project).toMatchObject({
      labelType: 'binary',
      detected: { labelType: null, values: 'no masks' }
    })
  })

  it('refuses a broken project.json with the file and the reason; saves a valid edit', async () => {
    const dir = await copyIsbi([0])
    dirs.push(dir)
    const { project } = await loadProject(dir)
    await expect(
      saveProject(dir, { ...project, classes: [...project.classes, { ...project.classes[1] }] })
    ).rejects.toThrow(
      /project\.json: not a valid project file at classes\.2\.index: class index 1 appears twice/
    )
    const renamed = await saveProject(dir, {
      ...project,
      invert: true,
      classes: project.classes.map((c) => (c.index === 1 ? { ...c, name: 'Membrane' } : c))
    })
    expect(renamed.invert).toBe(true)
    expect((await loadProject(dir)).project.classes[1].name).toBe('Membrane')
    await writeFile(projectPath(dir), '{"labelType": "stripes"')
    await expect(loadProject(dir)).rejects.toThrow(/project\.json: not valid JSON/)
  })

  it('parses classes.csv and CVAT labelmap.txt, naming the line of a bad row', () => {
    const csv = parseClassesCsv(
      'index,name,display_rgb,ignore_in_loss\n0,background,0 0 0,no\n1,Nucleus,#ff0000,no\n255,void,,yes\n',
      'classes.csv'
    )
    expect(csv.map((c) => [c.index, c.name, c.background, c.ignore])).toEqual([
      [0, 'background', true, false],
      [1, 'Nucleus', false, false],
      [255, 'void', false, true]
    ])
    expect(csv[1].color).toEqual([255, 0, 0])
    expect(() => parseClassesCsv('index,name\n0,a\n0,b\n', 'c.csv')).toThrow(
      'c.csv line 3: class index 0 appears twice'
    )
    expect(() => parseClassesCsv('index,name,display_rgb\n0,a,1 2\n', 'c.csv')).toThrow(
      /c\.csv line 2: colour "1 2"/
    )
    const cvat = parseLabelmap(
      '# label:color_rgb:parts:actions\nbackground:0,0,0::\ncar:64,0,128::\nroad:128,64,128::\n',
      'labelmap.txt'
    )
    expect(cvat.map((c) => [c.index, c.name, c.color, c.background])).toEqual([
      [0, 'background', [0, 0, 0], true],
      [1, 'car', [64, 0, 128], false],
      [2, 'road', [128, 64, 128], false]
    ])
  })
})

describe('labels through the project (handlers)', () => {
  it('an inverted binary project shows membranes as foreground and saves in the dataset convention', async () => {
    const dir = await copyIsbi([0])
    dirs.push(dir)
    const h = createHandlers({ allow: [dir] })
    const { ctx } = recordingContext()
    const info = await h['project:read']({ root: dir }, ctx)
    const plain = await h['label:read']({ root: dir, id: '0' }, ctx)
    const share = (b64: string) => {
      const px = Buffer.from(b64, 'base64')
      return px.reduce((n, v) => n + v, 0) / px.length
    }
    expect(share(plain.data)).toBeGreaterThan(0.7)
    await h['project:save']({ root: dir, project: { ...info.project, invert: true } }, ctx)
    const inverted = await h['label:read']({ root: dir, id: '0' }, ctx)
    expect(share(inverted.data)).toBeCloseTo(1 - share(plain.data), 6)
    const { deflateSync } = await import('node:zlib')
    const raw = Buffer.from(inverted.data, 'base64')
    await h['label:save'](
      {
        root: dir,
        id: '0',
        data: deflateSync(raw).toString('base64'),
        encoding: 'deflate',
        width: 512,
        height: 512,
        kind: 'binary',
        bitDepth: 8
      },
      ctx
    )
    const saved = await readImage(join(dir, '.unet-studio/labels/0.png'))
    const original = await readImage(join(dir, 'masks/0.png'))
    expect(Buffer.from(saved.data).equals(Buffer.from(original.data))).toBe(true)
    await expect(
      h['label:save'](
        {
          root: dir,
          id: '0',
          data: raw.toString('base64'),
          width: 512,
          height: 512,
          kind: 'classes',
          bitDepth: 8
        },
        ctx
      )
    ).rejects.toThrow(/the label is classes but the dataset's label type is now binary/)
  })

  it('a mask of the wrong size is an error naming the file', async () => {
    const dir = await copyIsbi([0, 1])
    dirs.push(dir)
    const small = await sharp(join(dir, 'masks/1.png')).resize(256, 256).png().toBuffer()
    await writeFile(join(dir, 'masks/1.png'), small)
    const h = createHandlers({ allow: [dir] })
    const { ctx } = recordingContext()
    await expect(h['label:read']({ root: dir, id: '1' }, ctx)).rejects.toThrow(
      `${join(dir, 'masks/1.png')}: label is 256x256 but its image is 512x512`
    )
  })
})
