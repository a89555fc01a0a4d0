/**
 * Contract channel → service call, shared by the Electron IPC wiring and the web host.
 * Plain Node: nothing here imports Electron.
 */
import { readFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { extname, join, resolve } from 'node:path'
import { inflateSync } from 'node:zlib'
import {
  DEFAULT_PAGE_ROWS,
  type Channel,
  type ChannelArg,
  type ChannelResponse,
  type JobSpecInput
} from '../src-preload/contract'
import { readRunConfig } from './engine/run-store'
import { augmentPreview } from './engine/train/augment-preview'
import { checkLabelsFit } from './engine/train/label-check'
import { validateConfig } from './engine/config'
import { scanDataset } from './data/dataset'
import { assertRunFree, RunLockedError } from './engine/train/run-lock'
import { assertOwnStateFolder } from './data/state-folder'
import { checkPixels } from './data/image-header'
import { readImageSize } from './data/image-size'
import { AllowList } from './services/allow-list'
import { DatasetListings, ThumbnailCache } from './services/dataset-service'
import { forkJob, JobRegistry, type Emit, type StartJob } from './services/job-service'
import {
  listRuns,
  predictInputDir,
  readPredictResults,
  runsDir,
  runStamp
} from './services/run-service'
import { findSample, readDisplayImage } from './data/label-store'
import {
  loadProject,
  projectPath,
  readProjectIfAny,
  saveProject,
  seedProject
} from './data/project'
import { readProjectLabel, saveProjectLabel } from './data/project-labels'

export type { Emit, StartJob } from './services/job-service'

/** Host-specific context handed to every handler. */
export interface HandlerContext {
  host: 'electron' | 'web'
  version: string
  /** Dataset opened at start (`--data`); always allow-listed. */
  initialDataset: string | null
  /** Sends a push event to the renderer that made the request. */
  emit: Emit
  /** Out-of-process job launcher (Electron: utilityProcess); default `child_process.fork`. */
  startJob?: StartJob
  /** Native folder picker (Electron only); absent on the web host. */
  pickFolder?: (title?: string) => Promise<string | null>
}

/** State shared by every connection of one app instance. */
export interface HandlerOptions {
  /** Folders allowed from the start (besides each context's `initialDataset`). */
  allow?: string[]
  jobs?: JobRegistry
}

/** A handler for every channel. */
export type Handlers = {
  [C in Channel]: (arg: ChannelArg<C>, ctx: HandlerContext) => Promise<ChannelResponse<C>>
}

function toBase64(data: Uint8Array | Uint16Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64')
}

/** Builds the handler table; the allow-list, jobs and thumbnail cache are shared by its callers. */
export function createHandlers(opts: HandlerOptions = {}): Handlers {
  const allow = new AllowList()
  const initial = Promise.all((opts.allow ?? []).map((dir) => allow.add(dir).catch(() => null)))
  const jobs = opts.jobs ?? new JobRegistry()
  const thumbs = new ThumbnailCache()
  const listings = new DatasetListings()
  /** Last prediction folder per input folder, for the `predicted` sample status. */
  const predicted = new Map<string, string>()
  const guard = async (ctx: HandlerContext, path: string, what: string): Promise<string> => {
    await initial
    if (ctx.initialDataset) await allow.add(ctx.initialDataset).catch(() => null)
    return allow.check(path, what)
  }
  /** A dataset folder the app may write its own state into (`.unet-studio/` not leading out). */
  const stateRoot = async (ctx: HandlerContext, path: string): Promise<string> => {
    const root = await guard(ctx, path, 'dataset')
    await assertOwnStateFolder(root)
    return root
  }
  const launch = (ctx: HandlerContext, spec: JobSpecInput, runDir: string | null = null): string =>
    jobs.start(spec, ctx.emit, ctx.startJob ?? forkJob, runDir)
  /** Refuses at once a run folder that a job (of this app, or any process's) is training. */
  const assertNotTraining = (runDir: string): void => {
    const job = jobs.training(runDir)
    if (job) {
      const holder = { pid: job.pid ?? 0, jobId: job.jobId, host: hostname(), since: job.since }
      throw new RunLockedError(runDir, holder)
    }
    assertRunFree(runDir)
  }

  return {
    'app:info': async (_arg, ctx) => ({
      version: ctx.version,
      host: ctx.host,
      initialDataset: ctx.initialDataset,
      backend: jobs.backend
    }),
    'dataset:open': async ({ dir }) => {
      const root = resolve(dir)
      await assertOwnStateFolder(root)
      const info = await listings.open(root, predicted.get(root))
      await allow.add(root)
      return info
    },
    'dataset:page': async ({ root, offset, limit }, ctx) =>
      listings.page(await guard(ctx, root, 'dataset'), offset, limit ?? DEFAULT_PAGE_ROWS),
    'project:read': async ({ root: dir }, ctx) => {
      const root = await stateRoot(ctx, dir)
      const { project, seeded } = await loadProject(root)
      return { root, path: projectPath(root), project, seeded }
    },
    'project:save': async ({ root: dir, project }, ctx) => {
      const root = await stateRoot(ctx, dir)
      const saved = await saveProject(root, project)
      return { root, path: projectPath(root), project: saved, seeded: false }
    },
    'dataset:thumbnail': async ({ root, id, size }, ctx) => ({
      png: await thumbs.get(await guard(ctx, root, 'dataset'), id, size ?? 128)
    }),
    'dialog:open-folder': async ({ title }, ctx) => {
      const path = ctx.pickFolder ? await ctx.pickFolder(title) : null
      return { path: path ? await allow.add(path) : null }
    },
    'merge:start': async ({ root, out, mode, size }, ctx) => {
      const src = out ? await guard(ctx, root, 'dataset') : await stateRoot(ctx, root)
      const dest = out
        ? await guard(ctx, out, 'output folder')
        : join(src, '.unet-studio', `merged-${mode}`)
      const jobId = launch(ctx, { kind: 'merge', options: { root: src, out: dest, mode, size } })
      return { jobId, out: dest }
    },
    'train:start': async (arg, ctx) => {
      const data = arg.out ? await guard(ctx, arg.data, 'dataset') : await stateRoot(ctx, arg.data)
      const runDir = arg.out
        ? await guard(ctx, arg.out, 'run folder')
        : join(runsDir(data), runStamp())
      assertNotTraining(runDir)
      const options = { ...arg, data, out: runDir }
      // a label mismatch is refused here, before a job starts; an unreadable folder is the job's to report
      const scan = await scanDataset(data).catch(() => null)
      if (scan) await checkLabelsFit(validateConfig(options), scan)
      const jobId = launch(ctx, { kind: 'train', resume: false, options }, runDir)
      return { jobId, runDir }
    },
    'train:stop': async ({ jobId }) => ({ ok: jobs.stop(jobId, 'train') }),
    'train:resume': async ({ runDir }, ctx) => {
      const dir = await guard(ctx, runDir, 'run folder')
      assertNotTraining(dir)
      const config = await readRunConfig(dir)
      const data = await guard(ctx, config.data, `dataset of the run ${dir}`)
      const options = { data, out: dir }
      return { jobId: launch(ctx, { kind: 'train', resume: true, options }, dir) }
    },
    'train:augment-preview': async ({ data, ...options }, ctx) => {
      const root = await guard(ctx, data, 'dataset')
      const patches = await augmentPreview({
        ...options,
        data: root,
        invertMask: options.invertMask ?? false,
        count: options.count ?? 4
      })
      const b64 = (a: Uint8Array) =>
        Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64')
      return {
        patches: patches.map((p) => ({ ...p, image: b64(p.image), label: b64(p.label) }))
      }
    },
    'train:runs': async ({ root }, ctx) => listRuns(await stateRoot(ctx, root)),
    'predict:start': async ({ model, input, out, ...settings }, ctx) => {
      const run = await guard(ctx, model, 'run folder')
      const src = await guard(ctx, input, 'input folder')
      const dest = await guard(ctx, out, 'output folder')
      predicted.set(src, dest)
      const options = { ...settings, model: run, input: await predictInputDir(src), out: dest }
      return { jobId: launch(ctx, { kind: 'predict', options }) }
    },
    'predict:results': async ({ out }, ctx) =>
      readPredictResults(await guard(ctx, out, 'output folder')),
    'job:cancel': async ({ jobId }) => ({ ok: jobs.stop(jobId) }),
    'file:png': async ({ path }, ctx) => {
      const file = await guard(ctx, path, 'file')
      if (extname(file).toLowerCase() !== '.png') throw new Error(`${path}: not a PNG file`)
      const { width, height } = await readImageSize(file)
      checkPixels(file, width, height)
      return { png: (await readFile(resolve(file))).toString('base64') }
    },
    'image:read': async ({ root: dir, id }, ctx) => {
      const root = await guard(ctx, dir, 'dataset')
      const { bytes, ...img } = await readDisplayImage(root, await findSample(root, id))
      return { id, ...img, data: toBase64(bytes) }
    },
    'label:read': async ({ root: dir, id }, ctx) => {
      const root = await guard(ctx, dir, 'dataset')
      const project = (await readProjectIfAny(root)) ?? (await seedProject(root))
      const sample = await findSample(root, id)
      const { data, ...label } = await readProjectLabel(root, sample, project)
      return { id, ...label, data: toBase64(data), bitDepth: data instanceof Uint16Array ? 16 : 8 }
    },
    'label:save': async ({ root: dir, id, data, encoding, width, height, kind, bitDepth }, ctx) => {
      const root = await stateRoot(ctx, dir)
      const sample = await findSample(root, id)
      const packed = Buffer.from(data, 'base64')
      const expected = width * height * (bitDepth === 16 ? 2 : 1)
      const bytes =
        encoding === 'deflate' ? inflateSync(packed, { maxOutputLength: expected }) : packed
      const pixels =
        bitDepth === 16
          ? new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length))
          : new Uint8Array(bytes)
      const { project } = await loadProject(root)
      const label = { data: pixels, width, height, kind }
      return { path: await saveProjectLabel(root, sample, label, project) }
    }
  }
}
