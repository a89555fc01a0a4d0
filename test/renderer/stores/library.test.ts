import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setApi } from '../../../src-renderer/src/stores/app'
import { useDatasetStore } from '../../../src-renderer/src/stores/dataset'
import { useEvaluateStore } from '../../../src-renderer/src/stores/evaluate'
import { useExportStore } from '../../../src-renderer/src/stores/export'
import { useLibraryStore } from '../../../src-renderer/src/stores/library'
import { useProjectStore } from '../../../src-renderer/src/stores/project'
import { datasetInfo, fakeApi } from '../fake-api'

/** A library entry as `models:list` answers it. */
function entry(path: string, labelType: 'binary' | 'classes' | 'instances', more: object = {}) {
  return {
    path,
    name: path.split('/').slice(-2).join('/'),
    source: 'trained',
    status: 'ready',
    dataset: '/data',
    createdAt: null,
    arch: 'unet',
    base: 8,
    depth: 3,
    size: 64,
    labelType,
    invertMask: false,
    classes: labelType === 'classes' ? 3 : 1,
    channels: 3,
    bestValIou: 0.5,
    cardF1: null,
    epochs: 2,
    init: null,
    postprocess: null,
    addedAt: '',
    ...more
  }
}

const cls = (index: number) => ({
  index,
  name: `c${index}`,
  color: [index, 0, 0],
  background: index === 0,
  ignore: false
})

/** A fake host: /data/cells is binary, /data/streets has 3 classes. */
function host() {
  return fakeApi({
    'dataset:open': (a: { dir: string }) => datasetInfo(2, a.dir),
    'project:read': (a: { root: string }) => ({
      root: a.root,
      path: `${a.root}/.unet-studio/project.json`,
      seeded: false,
      project: {
        version: 1,
        labelType: a.root === '/data/cells' ? 'binary' : 'classes',
        invert: false,
        classesFrom: 'label type',
        classes: a.root === '/data/cells' ? [cls(0), cls(1)] : [cls(0), cls(1), cls(2)]
      }
    }),
    'train:runs': [],
    'predict:find': { found: null },
    'models:list': [
      entry('/m/builtin', 'binary', { source: 'builtin' }),
      entry('/m/pending', 'binary', { status: 'no model yet' }),
      entry('/m/streets', 'classes'),
      entry('/m/cells-new', 'binary'),
      entry('/m/cells-old', 'instances')
    ]
  })
}

describe('the model Predict and Evaluate use', () => {
  beforeEach(() => {
    localStorage.clear()
    setActivePinia(createPinia())
  })
  afterEach(() => setApi(null))

  it('is preselected, shared, remembered per dataset, and follows the dataset’s labels', async () => {
    setApi(host())
    const ds = useDatasetStore()
    const library = useLibraryStore()
    const project = useProjectStore()
    const exp = useExportStore()
    const evaluate = useEvaluateStore()
    await library.load()
    await ds.open('/data/cells')
    await vi.waitFor(() => expect(project.labelType).toBe('binary'))
    // the newest ready trained model that fits binary labels, in both panels
    expect(exp.runDir).toBe('/m/cells-new')
    expect(evaluate.model).toBe('/m/cells-new')
    evaluate.model = '/m/cells-old'
    expect(exp.runDir).toBe('/m/cells-old')

    await ds.open('/data/streets')
    await vi.waitFor(() => expect(project.labelType).toBe('classes'))
    expect(exp.runDir).toBe('/m/streets')

    // a reload: the choice made for /data/cells comes back from local storage
    setActivePinia(createPinia())
    await useLibraryStore().load()
    await useDatasetStore().open('/data/cells')
    await vi.waitFor(() => expect(useProjectStore().labelType).toBe('binary'))
    expect(useEvaluateStore().model).toBe('/m/cells-old')
    expect(useExportStore().runDir).toBe('/m/cells-old')
  })

  it('falls back to a built-in model, and to none when nothing fits', async () => {
    const api = host()
    const models = [entry('/m/builtin', 'binary', { source: 'builtin' })]
    api['models:list'] = async () => models as never
    setApi(api)
    const library = useLibraryStore()
    await library.load()
    await useDatasetStore().open('/data/cells')
    await vi.waitFor(() => expect(useProjectStore().labelType).toBe('binary'))
    expect(useExportStore().runDir).toBe('/m/builtin')
    await useDatasetStore().open('/data/streets')
    await vi.waitFor(() => expect(useProjectStore().labelType).toBe('classes'))
    expect(useEvaluateStore().model).toBeNull()
  })

  it('prefers a model taking the images’ channel count, even a built-in one over a trained one', async () => {
    const api = host()
    let models = [
      entry('/m/grey', 'binary', { channels: 1 }),
      entry('/m/builtin', 'binary', { source: 'builtin' })
    ]
    api['models:list'] = async () => models as never
    setApi(api)
    const library = useLibraryStore()
    await library.load()
    await useDatasetStore().open('/data/cells')
    await vi.waitFor(() => expect(useProjectStore().labelType).toBe('binary'))
    expect(useDatasetStore().channels).toBe(3)
    expect(useExportStore().runDir).toBe('/m/builtin')
    models = [entry('/m/colour', 'binary'), ...models]
    await library.load()
    expect(library.selected).toBe('/m/colour')
  })

  it('prefers a model trained on the open dataset over a newer one trained elsewhere', async () => {
    const api = host()
    let models = [
      entry('/m/elsewhere', 'binary', { dataset: '/data/other' }),
      entry('/m/builtin', 'binary', { source: 'builtin', dataset: null }),
      entry('/m/own', 'binary', { dataset: '/data/cells' })
    ]
    api['models:list'] = async () => models as never
    setApi(api)
    await useLibraryStore().load()
    await useDatasetStore().open('/data/cells')
    await vi.waitFor(() => expect(useProjectStore().labelType).toBe('binary'))
    expect(useExportStore().runDir).toBe('/m/own')
    models = models.slice(0, 2)
    await useLibraryStore().load()
    expect(useLibraryStore().selected).toBe('/m/elsewhere')
  })

  it('forgets the previous dataset’s evaluation and points the folder at the new one', async () => {
    setApi(host())
    const ds = useDatasetStore()
    const evaluate = useEvaluateStore()
    await ds.open('/data/cells')
    expect(evaluate.folder).toBe('/data/cells')
    evaluate.state = 'done'
    evaluate.out = '/data/cells/.unet-studio/runs/r/eval/val-cells'
    evaluate.error = 'old'
    await ds.open('/data/streets')
    expect(evaluate).toMatchObject({
      state: 'idle',
      out: null,
      report: null,
      error: null,
      folder: '/data/streets'
    })
    evaluate.state = 'running'
    await ds.open('/data/cells')
    expect(evaluate).toMatchObject({ state: 'running', folder: '/data/streets' })
  })
})
