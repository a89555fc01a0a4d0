import { existsSync } from 'node:fs'
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, describe, expect, it } from 'vitest'
import { BACKEND_NAMES } from '../../src-preload/contract'
import { naturalCompare } from '../../src-main/data/natural-sort'
import { builtinModelDirs, resolveModel } from '../../src-main/engine/builtin-models'
import { createHandlers } from '../../src-main/handlers'
import { RunLockedError } from '../../src-main/engine/train/run-lock'
import { JobRegistry } from '../../src-main/services/job-service'
import { ModelLibrary } from '../../src-main/services/model-library'
import { copyDsb, copyIsbi } from './engine/copy-datasets'
import { tempDir } from './data/support'
import { recordingContext } from './handlers-support'

const dirs: string[] = []
const jobs = new JobRegistry()
afterAll(async () => {
  await jobs.closeAll(0)
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

describe('handlers: datasets', () => {
  it('opens a DSB folder and ISBI pairs, marks edited labels, and serves thumbnails', async () => {
    const dsb = await copyDsb(3)
    const isbi = await copyIsbi([0, 1])
    dirs.push(dsb, isbi)
    const h = createHandlers({ jobs })
    const { ctx } = recordingContext()
    const first = (await readdir(dsb)).sort(naturalCompare)[0]
    await mkdir(join(dsb, '.unet-studio', 'labels'), { recursive: true })
    await writeFile(join(dsb, '.unet-studio', 'labels', `${first}.png`), '')
    const d = await h['dataset:open']({ dir: dsb }, ctx)
    expect(d.layout).toBe('dsb2018')
    expect(d.sampleCount).toBe(3)
    expect(d.maskKind).toBe('per-instance-files')
    expect(d.sizes[0]).toMatchObject({ width: 256, height: 256, count: 3 })
    expect(d.channels).toBe(3)
    expect(d.samples.map((s) => [s.id, s.status]).sort()).toEqual(
      d.samples.map((s) => [s.id, s.id === first ? 'edited' : 'labelled']).sort()
    )
    expect(d.counts).toEqual({ edited: 1, labelled: 2, unlabelled: 0, predicted: 0 })
    const e = await h['dataset:open']({ dir: isbi }, ctx)
    expect(e.layout).toBe('flat-pairs')
    expect(e.channels).toBe(1)
    expect(e.samples).toEqual([
      { id: '0', width: 512, height: 512, status: 'labelled' },
      { id: '1', width: 512, height: 512, status: 'labelled' }
    ])
    const t = await h['dataset:thumbnail']({ root: isbi, id: '1', size: 64 }, ctx)
    const meta = await sharp(Buffer.from(t.png, 'base64')).metadata()
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 64, 64])
    const again = await h['dataset:thumbnail']({ root: isbi, id: '1', size: 64 }, ctx)
    expect(again.png).toBe(t.png)
  })

  it('rejects paths outside the opened folders, naming them', async () => {
    const h = createHandlers({ jobs })
    const { ctx } = recordingContext()
    await expect(h['file:png']({ path: '/etc/hostname.png' }, ctx)).rejects.toThrow(
      /\/etc\/hostname\.png is outside the opened folders/
    )
    await expect(h['train:runs']({ root: '/tmp' }, ctx)).rejects.toThrow(/dataset \/tmp is outside/)
    await expect(
      h['merge:start']({ root: '/work/shared/datasets/dsb2018', mode: 'binary' }, ctx)
    ).rejects.toThrow(/outside the opened folders/)
    await expect(h['image:read']({ root: '/work/shared', id: 'x' }, ctx)).rejects.toThrow(
      /dataset \/work\/shared is outside the opened folders/
    )
    expect((await h['dialog:open-folder']({}, ctx)).path).toBeNull()
  })

  it('merges in the background with progress and end events, inside .unet-studio', async () => {
    const dsb = await copyDsb(3)
    dirs.push(dsb)
    const h = createHandlers({ jobs })
    const { ctx, jobEnd, jobEvents } = recordingContext(dsb)
    const { jobId, out } = await h['merge:start']({ root: dsb, mode: 'boundary' }, ctx)
    expect(out).toBe(join(dsb, '.unet-studio', 'merged-boundary'))
    const end = await jobEnd(jobId)
    expect(end).toMatchObject({ type: 'done', result: { kind: 'merge', ok: 3, mode: 'boundary' } })
    const done = jobEvents(jobId).flatMap((e) => (e.type === 'progress' ? [e.done] : []))
    expect(done).toEqual([1, 2, 3])
    expect((await readdir(join(out, 'masks'))).length).toBe(3)
    const png = await h['file:png'](
      { path: join(out, 'masks', (await readdir(join(out, 'masks')))[0]) },
      ctx
    )
    expect((await sharp(Buffer.from(png.png, 'base64')).metadata()).width).toBe(256)
  })
})

describe('handlers: train and predict jobs', () => {
  it('trains a tiny run in a child process, stops it, lists it, and predicts with it', async () => {
    const data = await copyDsb(4)
    dirs.push(data)
    const h = createHandlers({ jobs })
    const { ctx, jobEnd, jobEvent } = recordingContext()
    await h['dataset:open']({ dir: data }, ctx)
    await expect(h['train:start']({ data, size: 30 }, ctx)).rejects.toThrow(
      /size 30 must be a multiple of 2\^depth/
    )
    const { jobId, runDir } = await h['train:start'](
      { data, size: 32, base: 4, depth: 2, epochs: 50, patches: 2, batch: 2, val: 0.25, seed: 1 },
      ctx
    )
    expect(runDir.startsWith(join(data, '.unet-studio', 'runs'))).toBe(true)
    const backend = await jobEvent(jobId, 'backend')
    await jobEvent(jobId, 'epoch')
    // a page attaching now sees the job running, with its epochs so far
    const [live] = await h['train:runs']({ root: data }, ctx)
    expect(live.running).toMatchObject({ jobId, here: true })
    const attached = (await h['jobs:running']({}, recordingContext().ctx)).find(
      (j) => j.jobId === jobId
    )
    expect(attached).toMatchObject({ kind: 'train', runDir, spec: { kind: 'train' } })
    expect(attached!.events.some((e) => e.type === 'epoch')).toBe(true)
    const listed = (await h['models:list']({}, ctx)).find((m) => m.path === runDir)
    expect(listed).toMatchObject({ source: 'trained', status: 'training' })
    await expect(h['train:resume']({ runDir }, ctx)).rejects.toThrow(
      `run ${runDir} is being trained by job ${jobId} (pid `
    )
    await expect(h['train:start']({ data, out: runDir }, ctx)).rejects.toThrow(RunLockedError)
    expect((await h['train:stop']({ jobId }, ctx)).ok).toBe(true)
    const end = await jobEnd(jobId)
    expect(end).toMatchObject({ type: 'done', result: { kind: 'train', stopped: true } })
    expect(BACKEND_NAMES).toContain(backend.name)
    expect((await h['app:info']({}, ctx)).backend).toBe(backend.name)
    const runs = await h['train:runs']({ root: data }, ctx)
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({ runDir, hasCheckpoint: true })
    expect(runs[0].config).toMatchObject({ size: 32, base: 4, depth: 2 })
    expect(runs[0].log.length).toBeGreaterThanOrEqual(1)
    expect(runs[0].log[0].epoch).toBe(1)
    const epochs = runs[0].log.length

    const resumed = await h['train:resume']({ runDir }, ctx)
    await jobEvent(resumed.jobId, 'epoch')
    expect((await h['job:cancel']({ jobId: resumed.jobId }, ctx)).ok).toBe(true)
    expect((await jobEnd(resumed.jobId)).type).toBe('done')
    const [again] = await h['train:runs']({ root: data }, ctx)
    expect(again.running).toBeNull()
    expect(again.log.map((r) => r.epoch).slice(0, epochs + 1)).toEqual(
      Array.from({ length: epochs + 1 }, (_, i) => i + 1)
    )

    // an unlabelled images-only folder: predicted samples get the `predicted` status
    const plain = await tempDir('plain')
    dirs.push(plain)
    await mkdir(join(plain, 'images'))
    for (const id of (await readdir(data)).filter((n) => !n.startsWith('.')).slice(0, 2))
      await cp(join(data, id, 'images', `${id}.png`), join(plain, 'images', `${id}.png`))
    const before = await h['dataset:open']({ dir: plain }, ctx)
    expect(before.samples.map((s) => s.status)).toEqual(['unlabelled', 'unlabelled'])
    const out = join(plain, '.unet-studio', 'predictions')
    const p = await h['predict:start'](
      { model: runDir, input: plain, out, overlay: true, csv: true, instances: false },
      ctx
    )
    const pend = await jobEnd(p.jobId)
    expect(pend).toMatchObject({ type: 'done', result: { kind: 'predict', images: 2, done: 2 } })
    const after = await h['dataset:open']({ dir: plain }, ctx)
    expect(after.samples.map((s) => s.status)).toEqual(['predicted', 'predicted'])
    const results = await h['predict:results']({ out }, ctx)
    expect(results).toHaveLength(2)
    for (const r of results) {
      expect([r.width, r.height]).toEqual([256, 256])
      expect(existsSync(r.outputs.mask!)).toBe(true)
      expect(existsSync(r.outputs.overlay!)).toBe(true)
    }
    const overlay = await h['file:png']({ path: results[0].outputs.overlay! }, ctx)
    expect((await sharp(Buffer.from(overlay.png, 'base64')).metadata()).width).toBe(256)
    expect((await h['predict:find']({ input: plain }, ctx)).found).toMatchObject({
      out,
      record: { model: { path: runDir }, result: { done: 2 } }
    })
    await expect(
      h['predict:start']({ model: runDir, input: plain, out: join(plain, 'preds') }, ctx)
    ).rejects.toThrow(/output folder .*preds is inside the dataset/)

    // a prediction opens as an editable label; saved, it becomes the image's label
    const ids = after.samples.map((s) => s.id)
    for (const id of ids) {
      const label = await h['label:read']({ root: plain, id }, ctx)
      expect(label).toMatchObject({ source: 'predicted', kind: 'binary', width: 256 })
      const { data: b64, width, height, kind, bitDepth } = label
      await h['label:save']({ root: plain, id, data: b64, width, height, kind, bitDepth }, ctx)
      expect((await h['label:read']({ root: plain, id }, ctx)).source).toBe('edited')
    }

    // fine-tune from the run on the corrected images: a fresh split over them, init recorded
    const ft = await h['train:finetune'](
      { data: plain, init: runDir, epochs: 1, patches: 2, batch: 2, val: 0.5 },
      ctx
    )
    expect(await jobEnd(ft.jobId)).toMatchObject({ type: 'done', result: { kind: 'train' } })
    const ftConfig = JSON.parse(await readFile(join(ft.runDir, 'config.json'), 'utf8'))
    expect(ftConfig).toMatchObject({ init: runDir, size: 32, base: 4, depth: 2 })
    expect([...ftConfig.split.train, ...ftConfig.split.val].sort()).toEqual([...ids].sort())

    // evaluate the first run on its validation split, with TTA and a gallery; each image's
    // prediction reads back
    const gallery = join(runDir, 'gallery')
    const ev = await h['eval:start']({ model: runDir, tta: true, gallery }, ctx)
    expect(ev.out).toBe(join(runDir, 'eval', `val-${data.split('/').pop()}`))
    expect(await jobEnd(ev.jobId)).toMatchObject({
      type: 'done',
      result: { kind: 'eval', split: 'val', images: 1, data }
    })
    const report = await h['eval:results']({ out: ev.out }, ctx)
    expect(report.perImage).toHaveLength(1)
    expect(report.tta).toBe(true)
    expect(await readdir(gallery)).toEqual([`${report.perImage[0].id}.png`])
    const pred = await h['eval:prediction']({ out: ev.out, id: report.perImage[0].id }, ctx)
    expect(pred).toMatchObject({ kind: 'instances', bitDepth: 16, width: 256, height: 256 })
  })
})

/** Two ISBI images with their masks taken away, and an app data folder; both removed after. */
async function imagesOnlyIsbi(appName: string): Promise<{ isbi: string; app: string }> {
  const isbi = await copyIsbi([0, 1])
  const app = await tempDir(appName)
  dirs.push(isbi, app)
  await rm(join(isbi, 'masks'), { recursive: true })
  return { isbi, app }
}

describe('handlers: the model library follows runs that start', () => {
  it('drops a run that fails before its config.json (an images-only folder) from the library', async () => {
    const { isbi, app } = await imagesOnlyIsbi('library')
    const library = new ModelLibrary(app)
    const h = createHandlers({ jobs, library })
    const { ctx, jobEnd } = recordingContext()
    await h['dataset:open']({ dir: isbi }, ctx)
    const { jobId, runDir } = await h['train:start']({ data: isbi, size: 32, depth: 2 }, ctx)
    const end = await jobEnd(jobId)
    expect(end).toMatchObject({ type: 'error' })
    expect(end.type === 'error' && end.message).toMatch(/need at least 2 labelled images, found 0/)
    expect(existsSync(join(runDir, 'config.json'))).toBe(false)
    expect((await h['models:list']({}, ctx)).map((m) => m.path)).not.toContain(runDir)
    expect(JSON.parse(await readFile(library.file, 'utf8')).models).toEqual([])
  })
})

describe('handlers: evaluations that cannot run say why', () => {
  it('refuses a folder with no labels, and a shipped model’s validation split, by name', async () => {
    const { isbi, app } = await imagesOnlyIsbi('library-eval')
    const h = createHandlers({ jobs, library: new ModelLibrary(app, builtinModelDirs) })
    const { ctx, jobEnd } = recordingContext()
    await h['dataset:open']({ dir: isbi }, ctx)
    const nuclei = resolveModel('nuclei')
    await expect(h['eval:start']({ model: nuclei }, ctx)).rejects.toThrow(
      /validation images of .*nuclei are not on this machine .*evaluate a folder/
    )
    const ev = await h['eval:start']({ model: nuclei, data: isbi, split: 'all' }, ctx)
    const end = await jobEnd(ev.jobId)
    expect(end.type === 'error' && end.message).toMatch(
      new RegExp(`${isbi}: no labelled images to evaluate`)
    )
    expect(existsSync(join(nuclei, 'eval'))).toBe(false)
  })
})
