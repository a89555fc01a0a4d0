/**
 * Contract channel → service call, shared by the Electron IPC wiring and the web host.
 * Plain Node: nothing here imports Electron.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, stat } from 'node:fs/promises'
import { hostname } from 'node:os'
import { extname, join, resolve } from 'node:path'
import { inflateSync } from 'node:zlib'
import {
  DEFAULT_PAGE_ROWS,
  type Channel,
  type ChannelArg,
  type ChannelResponse,
  type JobEvent,
  type JobSpecInput
} from '../src-preload/contract'
import { defaultPredictionsDir } from '../src-preload/options/predict'
import { checkPredictOutput, datasetRootOf } from './data/export/output-check'
import { checkEvalFit, readEvalReport } from './engine/eval/run-eval'
import { builtinRefusal } from './engine/eval/tune-run'
import { builtinModelDirs } from './engine/builtin-models'
import { resolveModelFolder } from './engine/model-folder'
import { readRunConfig } from './engine/run-store'
import { augmentPreview } from './engine/train/augment-preview'
import { checkLabelsFit } from './engine/train/label-check'
import { validateConfig, type TrainConfigInput } from './engine/config'
import { scanDataset } from './data/dataset'
import { withInitSettings } from './engine/train/init-settings'
import { assertRunFree, RunLockedError } from './engine/train/run-lock'
import { assertOwnStateFolder } from './data/state-folder'
import { checkPixels } from './data/image-header'
import { readImageSize } from './data/image-size'
import { AllowList } from './services/allow-list'
import { DatasetListings, ThumbnailCache } from './services/dataset-service'
import { defaultEvalDir, readEvalPrediction } from './services/eval-service'
import { listFolder } from './services/folder-service'
import { forkJob, JobRegistry, type Emit, type StartJob } from './services/job-service'
import { ModelLibrary } from './services/model-library'
import { findPredictions, readPredictedLabel } from './services/predictions'
import { assertOutputFor } from './engine/infer/prediction-record'
import {
  listRuns,
  lockTrainer,
  readPredictResults,
  runsDir,
  runStamp
} from './services/run-service'
import { findSample, readDisplayImage } from './data/label-store'
import { dataDirFor } from './services/user-data'
import {
  loadProject,
  projectPath,
  readProjectIfAny,
  saveProject,
  seedProject,
  type LabelHint
} from './data/project'
import { readProjectLabel, saveProjectLabel } from './data/project-labels'

export type { Emit, StartJob } from './services/job-service'

/** Host-specific context handed to every handler. */
export interface HandlerContext {
  host: 'electron' | 'web'
  version: string
  /** Dataset opened at start (`--data`); always allow-listed. */
  initialDataset: string | null
  /** Sends a push event to the client that made the request (it also gets every job's events). */
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
  /** The per-user model library (default: in the app data folder, `dataDirFor()`). */
  library?: ModelLibrary
}

/** A handler for every channel. */
export type Handlers = {
  [C in Channel]: (arg: ChannelArg<C>, ctx: HandlerContext) => Promise<ChannelResponse<C>>
}

function toBase64(data: Uint8Array | Uint16Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64')
}

/** Builds the handler table; the allow-list, jobs, library and caches are shared by its callers. */
export function createHandlers(opts: HandlerOptions = {}): Handlers {
  const allow = new AllowList()
  const shipped = builtinModelDirs()
  const initial = shipped.then((models) =>
    Promise.all([...(opts.allow ?? []), ...models].map((dir) => allow.add(dir).catch(() => null)))
  )
  const jobs = opts.jobs ?? new JobRegistry()
  const library = opts.library ?? new ModelLibrary(dataDirFor(), builtinModelDirs)
  const thumbs = new ThumbnailCache()
  const listings = new DatasetListings()
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
  /**
   * Starts a new run and lists it in the library; a run that fails before writing its
   * config.json (no model will ever be there) leaves the library again.
   */
  const launchRun = async (ctx: HandlerContext, options: TrainConfigInput, runDir: string) => {
    await library.record(runDir, 'trained')
    const forget = (event: JobEvent) => {
      if (event.type === 'error' && !existsSync(join(runDir, 'config.json')))
        void library.remove(runDir)
    }
    const spec = { kind: 'train' as const, resume: false, options }
    return jobs.start(spec, ctx.emit, ctx.startJob ?? forkJob, runDir, forget)
  }
  /** Refuses at once a run folder that a job (of this app, or any process's) is training. */
  const assertNotTraining = (runDir: string): void => {
    const job = jobs.training(runDir)
    if (job) {
      const holder = { pid: job.pid ?? 0, jobId: job.jobId, host: hostname(), since: job.since }
      throw new RunLockedError(runDir, holder)
    }
    assertRunFree(runDir)
  }
  /** Who trains a run: a job of this app (its events can be followed), else a lock's holder. */
  const trainer = (runDir: string) => {
    const job = jobs.training(runDir)
    if (!job) return lockTrainer(runDir)
    return { jobId: job.jobId, pid: job.pid ?? 0, host: hostname(), since: job.since, here: true }
  }
  /** The newest predictions of an input folder (or its dataset), their folder allow-listed. */
  const predictionsOf = async (input: string) => {
    const remembered = [
      ...(await library.predictionsOf(input)),
      ...(await library.predictionsOf(datasetRootOf(input)))
    ]
    const found = await findPredictions(
      input,
      remembered.map((p) => p.out)
    )
    if (found) await allow.add(found.out)
    return found
  }
  /** A model the user may use (library models are allow-listed), as its run folder. */
  const modelDir = async (ctx: HandlerContext, path: string): Promise<string> =>
    (await resolveModelFolder(await guard(ctx, path, 'model folder'))).runDir
  /** An output folder: the default sibling of an allowed input is allowed (and made) too. */
  const outputDir = async (ctx: HandlerContext, src: string, out: string): Promise<string> => {
    const defaults = [defaultPredictionsDir(src), defaultPredictionsDir(datasetRootOf(src))]
    if (!defaults.includes(resolve(out))) return guard(ctx, out, 'output folder')
    await mkdir(out, { recursive: true })
    return allow.add(out)
  }
  /** The dataset a new run trains on (its `.unet-studio/` checked) and the run's folder. */
  const runFolders = async (ctx: HandlerContext, arg: { data: string; out?: string }) => {
    const data = arg.out ? await guard(ctx, arg.data, 'dataset') : await stateRoot(ctx, arg.data)
    const runDir = arg.out
      ? await guard(ctx, arg.out, 'run folder')
      : join(runsDir(data), runStamp())
    assertNotTraining(runDir)
    return { data, runDir }
  }

  /** For a folder without labels: the label type of the model that predicted it, if any. */
  const labelHint = async (root: string): Promise<LabelHint> => {
    const found = await predictionsOf(root)
    if (!found) return {}
    const { labelType, classes } = found.record.model
    if (labelType === 'classes') return { labelType, classes: classes ?? undefined }
    if (labelType === 'instances' || existsSync(join(found.out, 'instances')))
      return { labelType: 'instances' }
    return labelType ? { labelType } : {}
  }

  /** A label mismatch is refused before a job starts; an unreadable folder is the job's to report. */
  const checkLabels = async (options: TrainConfigInput) => {
    const scan = await scanDataset(options.data).catch(() => null)
    if (scan) await checkLabelsFit(validateConfig(options), scan)
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
      const info = await listings.open(root, (await predictionsOf(root))?.out)
      await allow.add(root)
      return info
    },
    'dataset:page': async ({ root, offset, limit }, ctx) =>
      listings.page(await guard(ctx, root, 'dataset'), offset, limit ?? DEFAULT_PAGE_ROWS),
    'project:read': async ({ root: dir }, ctx) => {
      const root = await stateRoot(ctx, dir)
      const { project, seeded } = await loadProject(root, await labelHint(root))
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
    'folder:list': async ({ dir }) => listFolder(dir),
    'folder:choose': async ({ path, purpose, input }) => {
      if (purpose === 'output' && input) checkPredictOutput(input, path)
      if (purpose === 'output') await mkdir(path, { recursive: true })
      const info = await stat(path).catch(() => null)
      if (!info) throw new Error(`${resolve(path)}: no such folder`)
      if (!info.isDirectory()) throw new Error(`${resolve(path)}: not a folder`)
      return { path: await allow.add(path) }
    },
    'models:list': async () => {
      const models = await library.list()
      for (const m of models) {
        if (m.status === 'missing') continue
        await allow.add(m.path)
        if (jobs.training(m.path)) m.status = 'training'
      }
      return models
    },
    'models:add': async ({ path }) => {
      const entry = await library.add(path)
      await allow.add(entry.path)
      return entry
    },
    'models:remove': async ({ path }) => ({ ok: await library.remove(path) }),
    'jobs:running': async (_arg, ctx) => {
      jobs.subscribe(ctx.emit)
      return jobs.attachable()
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
      const { data, runDir } = await runFolders(ctx, arg)
      const init = arg.init ? await modelDir(ctx, arg.init) : undefined
      const options = { ...arg, data, out: runDir, init }
      await checkLabels(options)
      const jobId = await launchRun(ctx, options, runDir)
      return { jobId, runDir }
    },
    'train:finetune': async (arg, ctx) => {
      const { data, runDir } = await runFolders(ctx, arg)
      const init = await modelDir(ctx, arg.init)
      const options = await withInitSettings({ ...arg, data, out: runDir, init })
      await checkLabels(options)
      const jobId = await launchRun(ctx, options, runDir)
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
    'train:runs': async ({ root }, ctx) => listRuns(await stateRoot(ctx, root), trainer),
    'predict:start': async ({ model, input, out, ...settings }, ctx) => {
      const run = await modelDir(ctx, model)
      const src = await guard(ctx, input, 'input folder')
      checkPredictOutput(src, out)
      const dest = await outputDir(ctx, src, out)
      await assertOutputFor(src, dest)
      const options = { ...settings, model: run, input: src, out: dest }
      const jobId = launch(ctx, { kind: 'predict', options })
      await library.rememberPrediction(src, dest)
      return { jobId }
    },
    'predict:results': async ({ out }, ctx) =>
      readPredictResults(await guard(ctx, out, 'output folder')),
    'predict:find': async ({ input }, ctx) => ({
      found: await predictionsOf(await guard(ctx, input, 'input folder'))
    }),
    'eval:start': async ({ model, data, split = 'val', out, tta, gallery, backend }, ctx) => {
      const run = await modelDir(ctx, model)
      const config = await readRunConfig(run)
      if (!data && !existsSync(config.data))
        throw new Error(
          `the validation images of ${run} are not on this machine (it was trained on ${config.data}): evaluate a folder of labelled images instead`
        )
      const src = data ? await guard(ctx, data, 'dataset') : await allow.add(config.data)
      const dest = out
        ? await guard(ctx, out, 'output folder')
        : await defaultEvalDir(run, src, split, library.dir, (await shipped).includes(run))
      await checkEvalFit(run, src)
      await mkdir(dest, { recursive: true })
      await allow.add(dest)
      const pictures = gallery ? await guard(ctx, gallery, 'gallery folder') : undefined
      if (pictures) await mkdir(pictures, { recursive: true }).then(() => allow.add(pictures))
      const options = { model: run, data: src, split, out: dest, tta, gallery: pictures, backend }
      return { jobId: launch(ctx, { kind: 'eval', options }), out: dest }
    },
    'tune:start': async ({ model, data, tta, backend }, ctx) => {
      const run = await modelDir(ctx, model)
      if ((await shipped).includes(run)) throw builtinRefusal(run)
      assertNotTraining(run)
      const config = await readRunConfig(run)
      if (!data && !existsSync(config.data))
        throw new Error(
          `the validation images of ${run} are not on this machine (it was trained on ${config.data}): tune on a folder of instance labels instead`
        )
      // without a folder, the run's own validation images of the dataset it was trained on
      const src = data ? await guard(ctx, data, 'dataset') : undefined
      if (!src) await allow.add(config.data)
      const options = { model: run, data: src, tta, backend }
      return { jobId: launch(ctx, { kind: 'tune', options }) }
    },
    'eval:results': async ({ out }, ctx) => {
      const report = await readEvalReport(await guard(ctx, out, 'evaluation folder'))
      await allow.add(report.data).catch(() => null)
      return report
    },
    'eval:prediction': async ({ out, id }, ctx) => {
      const dir = await guard(ctx, out, 'evaluation folder')
      const { data, ...label } = await readEvalPrediction(dir, id)
      return { id, ...label, data: toBase64(data), bitDepth: data instanceof Uint16Array ? 16 : 8 }
    },
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
      const project =
        (await readProjectIfAny(root)) ?? (await seedProject(root, await labelHint(root)))
      const sample = await findSample(root, id)
      const stored = await readProjectLabel(root, sample, project)
      const found = stored.source === 'empty' ? await predictionsOf(root) : null
      const predicted = found
        ? await readPredictedLabel(found, id, sample.imagePath, project.labelType)
        : null
      const { data, ...label } = predicted ? { ...predicted, source: 'predicted' as const } : stored
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
