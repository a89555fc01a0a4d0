import { createPinia, setActivePinia } from 'pinia'
import { nextTick } from 'vue'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { setApi, useAppStore } from '../../../src-renderer/src/stores/app'
import { followNewJobs } from '../../../src-renderer/src/stores/jobs'
import { useProjectStore } from '../../../src-renderer/src/stores/project'
import { DEFAULT_TRAIN_OPTIONS, useTrainingStore } from '../../../src-renderer/src/stores/training'
import type { JobEvent, JobInfo, TrainResult } from '../../../src-preload/contract'
import { fakeApi, type FakeApi } from '../fake-api'

const epoch = (n: number): JobEvent => ({
  type: 'epoch',
  epoch: n,
  epochs: 3,
  lr: 0.001,
  loss: 1 / n,
  iou: 0.2 * n,
  dice: 0.25 * n,
  valLoss: 1.1 / n,
  valIou: 0.18 * n,
  valDice: 0.22 * n,
  seconds: 2,
  best: true,
  etaSeconds: 4
})

const backend = {
  name: 'wasm' as const,
  skipped: [{ name: 'tensorflow' as const, reason: 'not installed' }]
}

/** A training job's result. */
function result(stopped: boolean): TrainResult {
  return {
    kind: 'train',
    out: '/r',
    backend,
    epochs: 2,
    stopped,
    earlyStopped: false,
    bestEpoch: 2,
    bestValIou: 0.4,
    bestValDice: 0.5,
    lastValIou: 0.4,
    seconds: 3,
    trainImages: 3,
    valImages: 1
  }
}

/** Sends one event of job `jobId` through the fake API. */
function send(api: FakeApi, jobId: string, event: JobEvent): void {
  api.emit('job:event', { jobId, kind: 'train', event })
}

describe('training store', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => setApi(null))

  it('starts with the panel defaults and appends chart points from its own job events only', async () => {
    const api = fakeApi({ 'train:start': { jobId: 'j1', runDir: '/d/.unet-studio/runs/r1' } })
    setApi(api)
    const tr = useTrainingStore()
    await tr.start('/d')
    expect(api.calls[0]).toEqual({
      channel: 'train:start',
      arg: { data: '/d', ...DEFAULT_TRAIN_OPTIONS }
    })
    expect(DEFAULT_TRAIN_OPTIONS).toMatchObject({ size: 96, epochs: 40, loss: 'bce-dice' })
    expect(tr.state).toBe('starting')
    send(api, 'j1', { type: 'log', message: 'backend tensorflow-gpu is what this line says' })
    expect(useAppStore().backend).toBeNull()
    send(api, 'j1', { type: 'backend', ...backend })
    send(api, 'j1', {
      type: 'step',
      epoch: 1,
      step: 2,
      steps: 4,
      loss: 0.9,
      iou: 0.1,
      dice: 0.2,
      lr: 0.001,
      imagesPerSec: 12,
      etaSeconds: 30
    })
    send(api, 'j1', epoch(1))
    send(api, 'other', epoch(9))
    send(api, 'j1', epoch(2))
    expect(tr.state).toBe('running')
    expect(useAppStore().backend).toBe('wasm')
    expect(useAppStore().backendSkipped).toEqual(backend.skipped)
    expect(tr.logs.at(-1)).toBe('backend wasm; skipped tensorflow: not installed')
    expect(tr.steps).toEqual([{ x: 0.5, loss: 0.9 }])
    expect(tr.status).toMatchObject({ epoch: 1, step: 2, steps: 4, imagesPerSec: 12 })
    expect(tr.epochs.map((e) => e.epoch)).toEqual([1, 2])
    expect(tr.epochs[1]).toMatchObject({ loss: 0.5, valIou: 0.36 })
    expect(tr.status?.etaSeconds).toBe(30)
    send(api, 'j1', { type: 'done', result: result(false) })
    expect(tr.state).toBe('done')
    expect(tr.status?.etaSeconds).toBeNull()
    expect(tr.jobId).toBeNull()
    expect(tr.runDir).toBe('/d/.unet-studio/runs/r1')
  })

  it('stops, then resumes the same run', async () => {
    const api = fakeApi({
      'train:start': { jobId: 'j1', runDir: '/r' },
      'train:stop': { ok: true },
      'train:resume': { jobId: 'j2' }
    })
    setApi(api)
    const tr = useTrainingStore()
    await tr.start('/d')
    await tr.stop()
    expect(tr.state).toBe('stopping')
    send(api, 'j1', { type: 'done', result: result(true) })
    expect(tr.state).toBe('stopped')
    await tr.resume()
    expect(api.calls.at(-1)).toEqual({ channel: 'train:resume', arg: { runDir: '/r' } })
    expect(tr.jobId).toBe('j2')
  })

  it('shows a failed start with the host message', async () => {
    setApi(fakeApi({ 'train:start': new Error('dataset /d: no labelled samples') }))
    const tr = useTrainingStore()
    await tr.start('/d')
    expect(tr.state).toBe('failed')
    expect(tr.error).toBe('dataset /d: no labelled samples')
  })

  it('shows a past run from train:runs as chart points, resumable', async () => {
    const row = (epoch: number) => ({
      epoch,
      lr: 0.001,
      loss: 1 / epoch,
      iou: 0.3,
      dice: 0.4,
      val_loss: 0.9,
      val_iou: 0.25 * epoch,
      val_dice: 0.35,
      seconds: 3
    })
    const run = {
      runDir: '/d/.unet-studio/runs/a',
      config: { epochs: 5 },
      log: [row(1), row(2)],
      hasModel: true,
      hasCheckpoint: true
    }
    setApi(fakeApi({ 'train:runs': [run] }))
    const tr = useTrainingStore()
    await tr.loadRuns('/d')
    expect(tr.runs).toHaveLength(1)
    tr.showRun(tr.runs[0])
    expect(tr.runDir).toBe('/d/.unet-studio/runs/a')
    expect(tr.epochs.map((e) => [e.epoch, e.valIou, e.epochs])).toEqual([
      [1, 0.25, 5],
      [2, 0.5, 5]
    ])
    expect(tr.state).toBe('stopped')
  })

  it('replaces points of epochs redone after a resume instead of duplicating them', async () => {
    const api = fakeApi({
      'train:start': { jobId: 'j1', runDir: '/r' },
      'train:resume': { jobId: 'j2' }
    })
    setApi(api)
    const tr = useTrainingStore()
    await tr.start('/d')
    send(api, 'j1', epoch(1))
    send(api, 'j1', epoch(2))
    send(api, 'j1', { type: 'done', result: result(true) })
    await tr.resume()
    send(api, 'j2', epoch(2))
    send(api, 'j2', epoch(3))
    expect(tr.epochs.map((e) => e.epoch)).toEqual([1, 2, 3])
  })

  it('trains what the project says: multi-class CamVid gets its classes, ignore index and CE', async () => {
    const api = fakeApi({ 'train:start': { jobId: 'j1', runDir: '/r' } })
    setApi(api)
    const project = useProjectStore()
    project.project = {
      version: 1,
      labelType: 'classes',
      invert: false,
      classesFrom: 'classes.csv',
      classes: ['Sky', 'Building', 'Pole']
        .map((name, index) => ({
          index,
          name,
          color: [1, 2, 3] as [number, number, number],
          background: false,
          ignore: false
        }))
        .concat([
          { index: 11, name: 'Unlabelled', color: [0, 0, 0], background: false, ignore: true }
        ])
    }
    const tr = useTrainingStore()
    await nextTick()
    expect(tr.options.loss).toBe('ce')
    await tr.start('/camvid')
    expect(api.calls[0].arg).toMatchObject({ classes: 3, ignoreIndex: 11, loss: 'ce' })

    project.project = { ...project.project, classes: project.project.classes.slice(0, 1) }
    await tr.start('/camvid')
    expect(tr.state).toBe('failed')
    expect(tr.error).toMatch(/multi-class training needs at least two classes/)
    expect(api.calls).toHaveLength(1)
  })

  it("refuses bad form values in the form's own words, and remembers the form per dataset", async () => {
    const api = fakeApi({ 'train:start': { jobId: 'j1', runDir: '/r' }, 'train:runs': [] })
    setApi(api)
    const tr = useTrainingStore()
    tr.switchDataset('/a')
    tr.options.size = -32
    await tr.start('/a')
    expect(tr.error).toBe('Patch size must be at least 16 (it is -32)')
    expect(tr.error).not.toMatch(/size:|Too small/)
    expect(api.calls.filter((c) => c.channel === 'train:start')).toHaveLength(0)
    tr.options.size = 128
    tr.options.augment.noise = 0.03
    await nextTick()
    tr.switchDataset('/b')
    expect(tr.options.size).toBe(96)
    expect(tr.options.augment.noise).toBe(0)
    tr.switchDataset('/a')
    expect(tr.options.size).toBe(128)
    expect(tr.options.augment.noise).toBe(0.03)
  })
  it('sends the learned instance target only for instance labels and new runs, and keeps it per dataset', async () => {
    const api = fakeApi({
      'train:start': { jobId: 'j1', runDir: '/r' },
      'train:finetune': { jobId: 'j2', runDir: '/r2' },
      'train:runs': []
    })
    setApi(api)
    const project = useProjectStore()
    const instances = {
      version: 1,
      labelType: 'instances',
      invert: false,
      classes: [],
      classesFrom: 'label type'
    } as const
    project.project = { ...instances, classes: [] }
    const tr = useTrainingStore()
    tr.switchDataset('/dsb')
    tr.options.target = 'instances'
    tr.options.separation = 'distance'
    await nextTick()
    await tr.start('/dsb')
    expect(api.calls.at(-1)?.arg).toMatchObject({ target: 'instances', separation: 'distance' })
    send(api, 'j1', { type: 'done', result: result(false) })

    tr.switchDataset('/other-dsb')
    expect(tr.options.target).toBeUndefined()
    tr.switchDataset('/dsb')
    expect(tr.options.target).toBe('instances')

    project.project = { ...instances, classes: [], labelType: 'binary' }
    await tr.start('/dsb')
    expect((api.calls.at(-1)?.arg as { target?: string }).target).toBeUndefined()
    send(api, 'j1', { type: 'done', result: result(false) })

    // a fine-tune takes what it learns from its model (the shipped one is binary)
    project.project = { ...instances, classes: [] }
    await tr.finetune('/dsb', 'nuclei')
    const sent = api.calls.at(-1)
    expect(sent?.channel).toBe('train:finetune')
    expect(sent?.arg).not.toHaveProperty('target')
    expect(sent?.arg).not.toHaveProperty('separation')
  })

  it("keeps a running job's panel when another dataset opens, and goes to that dataset when the job ends", async () => {
    const api = fakeApi({
      'train:start': { jobId: 'j1', runDir: '/isbi/.unet-studio/runs/r1' },
      'train:runs': (arg: unknown) => [{ root: (arg as { root: string }).root }]
    })
    setApi(api)
    const tr = useTrainingStore()
    tr.switchDataset('/isbi')
    await tr.start('/isbi')
    send(api, 'j1', epoch(1))
    tr.switchDataset('/camvid')
    // CamVid's project is read while the job runs: multi-class, so its runs take a multi-class loss
    const project = useProjectStore()
    project.root = '/camvid'
    project.project = {
      version: 1,
      labelType: 'classes',
      invert: false,
      classesFrom: 'classes.csv',
      classes: ['Sky', 'Road'].map((name, index) => ({
        index,
        name,
        color: [index, 0, 0] as [number, number, number],
        background: false,
        ignore: false
      }))
    }
    await nextTick()
    expect([tr.data, tr.state, tr.epochs.length]).toEqual(['/isbi', 'running', 1])
    send(api, 'j1', { type: 'done', result: result(false) })
    expect([tr.data, tr.state, tr.runDir, tr.result]).toEqual(['/camvid', 'idle', null, null])
    expect(tr.epochs).toEqual([])
    // the form is CamVid's (never used: the defaults), with a loss its labels allow
    expect(tr.options.loss).toBe('ce')
    await nextTick()
    expect(api.calls.at(-1)).toEqual({ channel: 'train:runs', arg: { root: '/camvid' } })

    // back on the job's own dataset before it ends: the finished run stays shown
    await tr.start('/camvid')
    tr.switchDataset('/isbi')
    tr.switchDataset('/camvid')
    send(api, 'j1', { type: 'error', message: 'out of memory' })
    expect([tr.data, tr.state, tr.error]).toEqual(['/camvid', 'failed', 'out of memory'])
  })

  it('goes back to its dataset when a job it took over (started by another client) ends', async () => {
    const api = fakeApi({ 'train:runs': [] })
    setApi(api)
    const tr = useTrainingStore()
    followNewJobs()
    tr.switchDataset('/camvid')
    const options = { data: '/isbi', out: '/isbi/.unet-studio/runs/r', size: 32, epochs: 2 }
    api.emit('job:started', {
      jobId: 't1',
      kind: 'train',
      since: '2026-01-01T00:00:00Z',
      runDir: options.out,
      spec: { kind: 'train', resume: false, options } as unknown as JobInfo['spec'],
      events: [epoch(1)]
    } satisfies JobInfo)
    expect([tr.data, tr.jobId, tr.epochs.length]).toEqual(['/isbi', 't1', 1])
    send(api, 't1', { type: 'done', result: result(false) })
    expect([tr.data, tr.jobId, tr.state]).toEqual(['/camvid', null, 'idle'])
  })

  it("names the shown run's scores mean IoUs only when its epochs score classes", () => {
    setApi(fakeApi({ 'train:runs': [] }))
    const tr = useTrainingStore()
    tr.epochs = [{ ...(epoch(1) as Extract<JobEvent, { type: 'epoch' }>) }]
    expect(tr.multiClass).toBe(false)
    tr.epochs = [{ ...(epoch(1) as Extract<JobEvent, { type: 'epoch' }>), valClassIou: [0.5, 0.2] }]
    expect(tr.multiClass).toBe(true)
  })

  it('reads the model library again when a run starts and when it ends, with no panel open', async () => {
    const api = fakeApi({
      'train:start': { jobId: 'j1', runDir: '/r' },
      'models:list': []
    })
    setApi(api)
    const tr = useTrainingStore()
    const reads = () => api.calls.filter((c) => c.channel === 'models:list').length
    await tr.start('/d')
    send(api, 'j1', epoch(1))
    await nextTick()
    expect(tr.state).toBe('running')
    expect(reads()).toBe(1)
    send(api, 'j1', { type: 'done', result: result(false) })
    await nextTick()
    expect(tr.state).toBe('done')
    expect(reads()).toBe(2)
  })
})
