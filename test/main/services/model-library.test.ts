import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ModelLibrary } from '../../../src-main/services/model-library'
import { defaultDataDir } from '../../../src-main/services/user-data'

let temp = ''
beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), 'library-'))
})
afterAll(() => rm(temp, { recursive: true, force: true }))

/** A run folder as the trainer writes it: config.json, log.csv and (optionally) model/. */
async function fakeRun(dir: string, opts: { model?: boolean; classes?: number } = {}) {
  await mkdir(join(dir, 'model'), { recursive: true })
  const config = {
    data: '/data/cells',
    arch: 'unetpp',
    classes: opts.classes ?? 1,
    channels: 3,
    createdAt: '2026-01-02T03:04:05.000Z',
    split: { train: ['a'], val: ['b'] }
  }
  await writeFile(join(dir, 'config.json'), JSON.stringify(config))
  const log = [
    'epoch,lr,loss,iou,dice,val_loss,val_iou,val_dice,seconds',
    '1,0.001,0.5,0.4,0.5,0.6,0.61,0.7,3',
    '2,0.001,0.4,0.5,0.6,0.5,0.72,0.8,3'
  ]
  await writeFile(join(dir, 'log.csv'), log.join('\n') + '\n')
  if (opts.model !== false) await writeFile(join(dir, 'model', 'model.json'), '{}')
  return dir
}

describe('model library', () => {
  it('records trained runs, adds model folders, lists them described, newest first', async () => {
    const lib = new ModelLibrary(join(temp, 'data'))
    const a = await fakeRun(join(temp, 'runs', 'a'))
    const b = await fakeRun(join(temp, 'runs', 'b'), { classes: 4 })
    const c = await fakeRun(join(temp, 'runs', 'c'), { model: false })
    await lib.record(a, 'trained')
    await lib.record(a, 'trained')
    await lib.record(c, 'trained')
    const added = await lib.add(join(b, 'model'))
    expect(added).toMatchObject({ path: b, source: 'added', labelType: 'classes', classes: 4 })
    const list = await lib.list()
    expect(list.map((m) => m.path)).toEqual([b, c, a])
    expect(list[2]).toMatchObject({
      name: 'cells/a',
      status: 'ready',
      dataset: '/data/cells',
      createdAt: '2026-01-02T03:04:05.000Z',
      arch: 'unetpp',
      labelType: 'binary',
      classes: 1,
      channels: 3,
      bestValIou: 0.72,
      epochs: 2,
      source: 'trained'
    })
    expect(list[1].status).toBe('no model yet')
    // survives a new instance (a reload, a restart)
    const again = new ModelLibrary(join(temp, 'data'))
    expect((await again.list()).map((m) => m.path)).toEqual([b, c, a])
    expect(await again.remove(c)).toBe(true)
    expect(await again.remove(c)).toBe(false)
    await rm(a, { recursive: true })
    const after = await again.list()
    expect(after.map((m) => [m.path, m.status])).toEqual([
      [b, 'ready'],
      [a, 'missing']
    ])
    expect(after[1].problem).toMatch(/no such folder/)
  })

  it('lists a trained run only once its config.json is written', async () => {
    const lib = new ModelLibrary(join(temp, 'data-pending'))
    const pending = join(temp, 'runs', 'pending')
    await mkdir(pending, { recursive: true })
    await lib.record(pending, 'trained')
    expect(await lib.list()).toEqual([])
    await fakeRun(pending)
    expect((await lib.list()).map((m) => [m.path, m.status])).toEqual([[pending, 'ready']])
  })

  it('refuses a folder that holds no model, by name', async () => {
    const lib = new ModelLibrary(join(temp, 'data2'))
    await mkdir(join(temp, 'empty'))
    await expect(lib.add(join(temp, 'empty'))).rejects.toThrow(/empty: not a model: no config.json/)
    const noWeights = await fakeRun(join(temp, 'runs', 'noweights'), { model: false })
    await expect(lib.add(noWeights)).rejects.toThrow(/no weights yet/)
  })

  it('remembers predictions folders per input, and moves a broken file aside', async () => {
    const lib = new ModelLibrary(join(temp, 'data3'))
    await lib.rememberPrediction('/in/a', '/out/1')
    await lib.rememberPrediction('/in/b', '/out/2')
    await lib.rememberPrediction('/in/a', '/out/3')
    await lib.rememberPrediction('/in/a', '/out/1')
    expect((await lib.predictionsOf('/in/a')).map((p) => p.out)).toEqual(['/out/1', '/out/3'])
    await writeFile(lib.file, '{ not json')
    expect(await lib.list()).toEqual([])
    expect(await readFile(`${lib.file}.broken`, 'utf8')).toBe('{ not json')
  })

  it('lives in the platform data folder unless UNET_STUDIO_DATA says otherwise', () => {
    expect(defaultDataDir({}, 'linux', '/home/u')).toBe('/home/u/.local/share/unet-studio')
    expect(defaultDataDir({ XDG_DATA_HOME: '/x' }, 'linux', '/home/u')).toBe('/x/unet-studio')
    expect(defaultDataDir({}, 'darwin', '/Users/u')).toBe(
      '/Users/u/Library/Application Support/unet-studio'
    )
    expect(defaultDataDir({ UNET_STUDIO_DATA: '/tmp/d' }, 'linux', '/home/u')).toBe('/tmp/d')
  })
})
