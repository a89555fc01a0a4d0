import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setApi, useAppStore } from '../../../src-renderer/src/stores/app'
import { datasetToOpen, useDatasetStore } from '../../../src-renderer/src/stores/dataset'
import { useExportStore } from '../../../src-renderer/src/stores/export'
import { useMergeStore } from '../../../src-renderer/src/stores/merge'
import { useProjectStore } from '../../../src-renderer/src/stores/project'
import { useTrainingStore } from '../../../src-renderer/src/stores/training'
import { datasetInfo, datasetPage, fakeApi } from '../fake-api'

describe('dataset store', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => setApi(null))

  it('opens a folder through dataset:open, selects the first sample and counts statuses', async () => {
    const api = fakeApi({ 'dataset:open': datasetInfo(5) })
    setApi(api)
    const ds = useDatasetStore()
    await expect(ds.open('/data/dsb')).resolves.toBe(true)
    expect(api.calls).toEqual([{ channel: 'dataset:open', arg: { dir: '/data/dsb' } }])
    expect(ds.root).toBe('/data/dsb')
    expect(ds.layout).toBe('dsb2018')
    expect(ds.samples).toHaveLength(5)
    expect(ds.selectedId).toBe('s0000')
    expect(ds.counts).toEqual({ labelled: 3, unlabelled: 2, edited: 0, predicted: 0 })
    ds.step(1)
    expect(ds.selectedId).toBe('s0001')
    ds.step(-5)
    expect(ds.selectedId).toBe('s0000')
    ds.setStatus('s0000', 'edited')
    expect(ds.counts.edited).toBe(1)
  })

  it('a reload opens the dataset opened last, unless the host started on another one since', async () => {
    localStorage.clear()
    const api = fakeApi({ 'dataset:open': datasetInfo(2, '/data/other') })
    setApi(api)
    expect(datasetToOpen(null)).toBeNull()
    expect(datasetToOpen('/data/served')).toBe('/data/served')
    useAppStore().info = {
      version: '1',
      host: 'web',
      initialDataset: '/data/served',
      backend: null
    }
    await useDatasetStore().open('/data/other')
    expect(datasetToOpen('/data/served')).toBe('/data/other')
    expect(datasetToOpen('/data/served-later')).toBe('/data/served-later')
    expect(datasetToOpen(undefined)).toBe('/data/other')
    useAppStore().info = { version: '1', host: 'web', initialDataset: null, backend: null }
    await useDatasetStore().open('/data/other')
    expect(datasetToOpen('/data/served')).toBe('/data/served')
    localStorage.clear()
  })

  it('loads the pages after the first in order, and counts the whole dataset at once', async () => {
    const api = fakeApi({
      'dataset:open': datasetInfo(1200, '/data/big', 500),
      'dataset:page': datasetPage(1200, '/data/big')
    })
    setApi(api)
    const ds = useDatasetStore()
    await ds.open('/data/big')
    expect(ds.total).toBe(1200)
    expect(ds.counts).toEqual({ labelled: 800, unlabelled: 400, edited: 0, predicted: 0 })
    await vi.waitFor(() => expect(ds.samples).toHaveLength(1200))
    expect(ds.paging).toBe(false)
    const pages = api.calls.filter((c) => c.channel === 'dataset:page').map((c) => c.arg)
    expect(pages).toEqual([
      { root: '/data/big', offset: 500, limit: 500 },
      { root: '/data/big', offset: 1000, limit: 500 }
    ])
    expect(ds.samples.map((s) => s.id)).toEqual(
      Array.from({ length: 1200 }, (_, i) => `s${String(i).padStart(4, '0')}`)
    )
  })

  it('keeps the previous dataset and reports the error when opening fails', async () => {
    setApi(fakeApi({ 'dataset:open': new Error('/nope: no images found') }))
    const ds = useDatasetStore()
    await expect(ds.open('/nope')).resolves.toBe(false)
    expect(ds.error).toBe('/nope: no images found')
    expect(ds.root).toBeNull()
    expect(ds.loading).toBe(false)
  })

  it('fetches each thumbnail once, as a data URL', async () => {
    const api = fakeApi({
      'dataset:open': datasetInfo(3),
      'dataset:thumbnail': (a: { id: string }) => ({ png: `PNG-${a.id}` })
    })
    setApi(api)
    const ds = useDatasetStore()
    await ds.open('/data/dsb')
    ds.requestThumb('s0001')
    ds.requestThumb('s0001')
    await new Promise((r) => setTimeout(r, 0))
    expect(api.calls.filter((c) => c.channel === 'dataset:thumbnail')).toHaveLength(1)
    expect(ds.thumbs.s0001).toBe('data:image/png;base64,PNG-s0001')
  })

  it('opening another dataset resets what belonged to the previous one', async () => {
    const api = fakeApi({
      'dataset:open': (a: { dir: string }) => datasetInfo(2, a.dir),
      'project:read': (a: { root: string }) => ({
        root: a.root,
        path: `${a.root}/.unet-studio/project.json`,
        seeded: false,
        project: {
          version: 1,
          labelType: a.root === '/data/a' ? 'instances' : 'classes',
          invert: false,
          classesFrom: 'label type',
          classes: [
            { index: 0, name: 'Background', color: [0, 0, 0], background: true, ignore: false },
            { index: 1, name: 'Interior', color: [0, 200, 255], background: false, ignore: false }
          ]
        }
      }),
      'train:runs': []
    })
    setApi(api)
    const ds = useDatasetStore()
    const training = useTrainingStore()
    const merge = useMergeStore()
    const exp = useExportStore()
    const project = useProjectStore()
    await ds.open('/data/a')
    await vi.waitFor(() => expect(project.labelType).toBe('instances'))
    expect(training.data).toBe('/data/a')
    training.runDir = '/data/a/.unet-studio/runs/r1'
    training.state = 'done'
    training.epochs = [{ epoch: 1 } as (typeof training.epochs)[number]]
    merge.state = 'done'
    merge.out = '/data/a/.unet-studio/merged-binary'
    exp.results = [{ image: 'x', objects: 3 }]
    exp.runDir = training.runDir

    await ds.open('/data/b')
    await vi.waitFor(() => expect(project.labelType).toBe('classes'))
    expect(project.root).toBe('/data/b')
    expect(training).toMatchObject({ data: '/data/b', runDir: null, state: 'idle', epochs: [] })
    expect(merge).toMatchObject({ state: 'idle', out: null })
    expect(exp).toMatchObject({
      results: [],
      runDir: null,
      input: '/data/b',
      out: '/data/b-predictions'
    })

    training.state = 'running'
    await ds.open('/data/a')
    expect(training.state).toBe('running')
    expect(training.data).toBe('/data/b')
  })
})
