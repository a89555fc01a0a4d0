/**
 * The trust model: the UI reads and writes only folders the user chose, checked after
 * resolving real paths; a folder is allowed only once it opened as a dataset.
 */
import { cp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHandlers } from '../../../src-main/handlers'
import { AllowList } from '../../../src-main/services/allow-list'
import { copyIsbi } from '../engine/copy-datasets'
import { tempDir } from '../data/support'
import { recordingContext } from '../handlers-support'

let base: string
let data: string
let secret: Buffer

beforeAll(async () => {
  base = await tempDir('allow')
  const isbi = await copyIsbi([0, 1])
  data = join(base, 'data')
  await cp(isbi, data, { recursive: true })
  await rm(isbi, { recursive: true })
  for (const dir of ['data-evil', 'outside']) await mkdir(join(base, dir))
  secret = await readFile(join(data, 'images', '1.png'))
  await writeFile(join(base, 'data-evil', 'secret.png'), secret)
  await writeFile(join(base, 'outside', 'secret.png'), secret)
  await symlink(join(base, 'outside'), join(data, 'link-out'))
})
afterAll(() => rm(base, { recursive: true, force: true }))

describe('allow-list', () => {
  it('holds /, .., a sibling with the same prefix and symbolic links out', async () => {
    const allow = new AllowList()
    expect(await allow.add(data)).toBe(data)
    expect(await allow.allows(join(data, 'images', '0.png'))).toBe(true)
    expect(await allow.allows(join(data, 'new', 'output', 'dir'))).toBe(true)
    expect(await allow.allows('/')).toBe(false)
    expect(await allow.allows(`${data}/../outside/secret.png`)).toBe(false)
    expect(await allow.allows(join(base, 'data-evil', 'secret.png'))).toBe(false)
    expect(await allow.allows(join(data, 'link-out', 'secret.png'))).toBe(false)
    expect(await allow.allows(join(data, 'link-out', 'not-yet', 'x.png'))).toBe(false)
    await expect(allow.check(join(data, 'link-out', 'secret.png'), 'file')).rejects.toThrow(
      /file .*link-out\/secret\.png is outside the opened folders/
    )
    await expect(allow.add(join(base, 'missing'))).rejects.toThrow(/missing: no such folder/)
  })

  it('adds a folder only after it opened as a dataset: { dir: "/" } opens nothing', async () => {
    const h = createHandlers()
    const { ctx } = recordingContext()
    await expect(h['dataset:open']({ dir: '/' }, ctx)).rejects.toThrow(/no dataset found in \//)
    await expect(h['file:png']({ path: join(data, 'images', '0.png') }, ctx)).rejects.toThrow(
      /outside the opened folders/
    )
    await expect(h['train:runs']({ root: '/' }, ctx)).rejects.toThrow(/outside/)
    await h['dataset:open']({ dir: data }, ctx)
    const png = await h['file:png']({ path: join(data, 'images', '0.png') }, ctx)
    expect(png.png.length).toBeGreaterThan(100)
    for (const path of [
      join(data, 'link-out', 'secret.png'),
      join(base, 'data-evil', 'secret.png'),
      `${data}/../outside/secret.png`
    ])
      await expect(h['file:png']({ path }, ctx)).rejects.toThrow(/outside the opened folders/)
    await expect(
      h['merge:start']({ root: data, out: join(data, 'link-out', 'merged') }, ctx)
    ).rejects.toThrow(/output folder .* is outside the opened folders/)
    const model = join(data, '.unet-studio', 'runs', 'm')
    await mkdir(model, { recursive: true })
    await writeFile(join(model, 'config.json'), '{}')
    await expect(
      h['predict:start']({ model, input: data, out: join(base, 'data-evil') }, ctx)
    ).rejects.toThrow(/output folder .* is outside/)
  })

  it('refuses a sample image that is a symbolic link out, on every reading channel', async () => {
    const ds = join(base, 'linked')
    await mkdir(join(ds, 'images'), { recursive: true })
    await cp(join(data, 'images', '0.png'), join(ds, 'images', 'a.png'))
    await symlink(join(base, 'outside', 'secret.png'), join(ds, 'images', 'b.png'))
    const h = createHandlers()
    const { ctx } = recordingContext()
    const info = await h['dataset:open']({ dir: ds }, ctx)
    expect(info.samples.map((s) => s.id)).toEqual(['a', 'b'])
    await h['image:read']({ root: ds, id: 'a' }, ctx)
    for (const call of [
      () => h['image:read']({ root: ds, id: 'b' }, ctx),
      () => h['label:read']({ root: ds, id: 'b' }, ctx),
      () => h['dataset:thumbnail']({ root: ds, id: 'b', size: 32 }, ctx)
    ])
      await expect(call()).rejects.toThrow(/b\.png is outside the dataset/)
  })

  it('refuses a dataset whose .unet-studio is a symbolic link leading out, by name', async () => {
    const ds = join(base, 'shipped')
    await cp(join(data, 'images'), join(ds, 'images'), { recursive: true })
    await cp(join(data, 'masks'), join(ds, 'masks'), { recursive: true })
    await symlink(join(base, 'outside'), join(ds, '.unet-studio'))
    const h = createHandlers({ allow: [ds] })
    const { ctx } = recordingContext()
    const named = /\.unet-studio is a symbolic link leading out of the dataset \(to .*outside\)/
    await expect(h['dataset:open']({ dir: ds }, ctx)).rejects.toThrow(named)
    const label = { data: Buffer.alloc(512 * 512).toString('base64'), width: 512, height: 512 }
    await expect(
      h['label:save']({ root: ds, id: '0', ...label, kind: 'binary', bitDepth: 8 }, ctx)
    ).rejects.toThrow(named)
    await expect(h['train:start']({ data: ds }, ctx)).rejects.toThrow(named)
    await expect(h['merge:start']({ root: ds }, ctx)).rejects.toThrow(named)
    await expect(h['train:runs']({ root: ds }, ctx)).rejects.toThrow(named)
    await rm(join(ds, '.unet-studio'))
    await mkdir(join(ds, '.unet-studio'))
    await symlink(join(base, 'outside'), join(ds, '.unet-studio', 'labels'))
    await expect(
      h['label:save']({ root: ds, id: '0', ...label, kind: 'binary', bitDepth: 8 }, ctx)
    ).rejects.toThrow(/\.unet-studio\/labels is a symbolic link leading out/)
  })
})
