/**
 * The one typed contract between the renderer and the main side.
 *
 * Every request channel and push event lives here with its zod schema; the job events and job
 * options it uses live beside it (`job-events.ts`, `options/`) and are re-exported. Main (IPC and
 * the web host) validates each argument against it, strictly (an unknown key is an error), the
 * preload exposes one function per channel and the renderer's API module is typed from it. No
 * channel string is written anywhere else.
 */
import { z } from 'zod'
import { JOB_KINDS, jobEvent, jobSpec } from './job-events'
import type { BackendName } from './options/backend'
import { issuesText, OptionsError, path } from './options/common'
import { evalOptions } from './options/eval'
import { tuneOptions } from './options/tune'
import { mergeStart } from './options/merge'
import { predictOptions } from './options/predict'
import { augmentSchema, trainFinetune, trainStart } from './options/train'
import { LABEL_KINDS, projectSchema, type LabelKind, type Project } from './project'
import type { EvalReport, FolderListing, JobInfo, ModelEntry, PredictionsFound } from './records'

export * from './job-events'
export * from './records'
export { BACKEND_NAMES, type BackendName } from './options/backend'
export { LABEL_KINDS, type LabelKind } from './project'

/** A request/response channel: the argument's schema and the (type-only) response. */
export interface ChannelSpec<A extends z.ZodType, R> {
  /** Schema of the single argument. */
  arg: A
  /** Phantom field carrying the response type. */
  response?: R
}

function channel<A extends z.ZodType, R>(arg: A): ChannelSpec<A, R> {
  return { arg }
}

/** What the host reports about itself. */
export interface AppInfo {
  /** App version from package.json. */
  version: string
  /** `electron` in the desktop app, `web` behind the web host. */
  host: 'electron' | 'web'
  /** Dataset folder opened at start (`--data`), if any. */
  initialDataset: string | null
  /** Compute backend the jobs use, once known (from the last backend event), else null. */
  backend: BackendName | null
}

/** Where a sample's label comes from, for the sample list. */
export type SampleStatus = 'labelled' | 'unlabelled' | 'edited' | 'predicted'

/** One sample of the dataset listing; width and height 0 when its header cannot be read. */
export interface SampleRow {
  id: string
  width: number
  height: number
  status: SampleStatus
}

/** Rows the listing sends at most per message (`dataset:page` limit). */
export const MAX_PAGE_ROWS = 1000
/** Rows per page unless asked otherwise (the first page comes with `dataset:open`). */
export const DEFAULT_PAGE_ROWS = 500
/** Problems `dataset:open` lists at most (`problemCount` has them all). */
export const MAX_LISTED_PROBLEMS = 200

/** A page of the dataset listing, samples in natural name order (2 before 10). */
export interface DatasetPage {
  root: string
  offset: number
  /** Samples in the whole dataset. */
  total: number
  samples: SampleRow[]
}

/** An opened dataset: its summary and the first page of samples (more with `dataset:page`). */
export interface DatasetInfo {
  root: string
  layout: 'dsb2018' | 'flat-pairs' | 'images-only'
  sampleCount: number
  /** Distinct image sizes, most common first, from `sizesChecked` image headers. */
  sizes: { width: number; height: number; count: number }[]
  /** Image headers read for `sizes` and the problems: all, or a spread sample of big datasets. */
  sizesChecked: number
  /** The images' most common channel count (alpha dropped) among those headers; null: none read. */
  channels: number | null
  maskKind: string
  /** Samples per label status, over the whole dataset. */
  counts: Record<SampleStatus, number>
  /** Files that could not be used, named, with the reason (the first `MAX_LISTED_PROBLEMS`). */
  problems: { sample?: string; file: string; reason: string }[]
  /** All problems found. */
  problemCount: number
  /** The first page of samples (`DEFAULT_PAGE_ROWS` at most), natural name order. */
  samples: SampleRow[]
}

/** One `log.csv` row of a training run. */
export type RunLogRow = Record<
  'epoch' | 'lr' | 'loss' | 'iou' | 'dice' | 'val_loss' | 'val_iou' | 'val_dice' | 'seconds',
  number
> & {
  /** Multi-class runs: the `val_iou_<k>` columns (NaN, or null over JSON, for an absent class). */
  val_class_iou?: (number | null)[]
}

/** Who trains a run folder right now. */
export interface RunTrainer {
  jobId: string
  pid: number
  host: string
  since: string
  /** True when it is a job of this app instance (its events can be followed here). */
  here: boolean
}

/** A training run folder: its config summary and epoch log. */
export interface RunInfo {
  runDir: string
  /** `config.json` as written by the trainer. */
  config: Record<string, unknown>
  log: RunLogRow[]
  /** Whether a best model (`model/`) and a resumable checkpoint (`last/`) exist. */
  hasModel: boolean
  hasCheckpoint: boolean
  /** The job training it now (never resume it then), or null. */
  running: RunTrainer | null
}

/** One image's row of `counts.csv`, plus which outputs exist for it. */
export interface PredictedImage {
  image: string
  /** The file name without its extension: the sample id of the image in its folder. */
  stem: string
  width: number
  height: number
  objects: number
  foregroundArea: number
  /** Absolute paths of the outputs present (mask, instances, overlay). */
  outputs: { mask?: string; instances?: string; overlay?: string }
}

/** A sample's image for the editor: PNG (8-bit) or raw little-endian samples (16-bit), base64. */
export interface ImagePayload {
  id: string
  format: 'png' | 'raw'
  /** Base64 of the PNG file or of the raw samples. */
  data: string
  width: number
  height: number
  channels: number
  bitDepth: 8 | 16
  /** A float image (TIFF) arrives as 16-bit samples spanning its values; these are the ends. */
  valueRange?: { min: number; max: number }
}

/** A sample's effective label, raw: base64 of the typed array (8-bit, or 16-bit for instances). */
export interface LabelPayload {
  id: string
  data: string
  width: number
  height: number
  kind: LabelKind
  bitDepth: 8 | 16
  /** Edited label, the dataset's own masks, a model's prediction (not yet saved), or empty. */
  source: 'edited' | 'dataset' | 'predicted' | 'empty'
  path: string | null
}

/** A dataset's project file as read (seeded on first open) or written. */
export interface ProjectInfo {
  root: string
  /** Path of project.json. */
  path: string
  project: Project
  /** True when this read created project.json (first open). */
  seeded: boolean
}

const noArg = z.strictObject({})
const dirArg = z.strictObject({ dir: path })
const runDirArg = z.strictObject({ runDir: path })
const rootArg = z.strictObject({ root: path })
const outArg = z.strictObject({ out: path })
const pathArg = z.strictObject({ path })
const jobRef = z.strictObject({ jobId: z.string().min(1) })
const thumbArg = z.strictObject({
  root: path,
  id: z.string().min(1),
  size: z.number().int().min(8).max(1024).default(128)
})
const dialogArg = z.strictObject({ title: z.string().optional() })
const pageArg = z.strictObject({
  root: path,
  offset: z.number().int().min(0),
  limit: z.number().int().min(1).max(MAX_PAGE_ROWS).default(DEFAULT_PAGE_ROWS)
})
const folderListArg = z.strictObject({ dir: path.optional() })
/**
 * What a chosen folder is for: read (a dataset, a predict input, a model) or written (an output,
 * made if missing; never inside the dataset of `input`, the folder it will hold predictions of).
 */
const folderChooseArg = z.strictObject({
  path,
  purpose: z.enum(['dataset', 'input', 'output', 'model']),
  input: path.optional()
})
const evalPredictionArg = z.strictObject({ out: path, id: z.string().min(1) })
const inputArg = z.strictObject({ input: path })

const sampleRef = z.strictObject({ root: path, id: z.string().min(1) })
const projectSave = z.strictObject({ root: path, project: projectSchema })
const augmentPreviewArg = z.strictObject({
  data: path,
  size: z.number().int().min(16).max(1024),
  classes: z.number().int().min(1).max(255),
  invertMask: z.boolean().default(false),
  resize: z.boolean().default(false),
  /** Augmentation settings, or null for the plain training target. */
  augment: augmentSchema.nullable(),
  seed: z.number().int(),
  count: z.number().int().min(1).max(12).default(4),
  /** Sample to cut from (default: the first labelled one). */
  sample: z.string().min(1).optional()
})

/** A training patch as a run would see it: base64 of raw 8-bit image (HWC) and target bytes. */
export interface PreviewPatch {
  sample: string
  width: number
  height: number
  channels: number
  image: string
  label: string
}
const labelSave = sampleRef.extend({
  /** Base64 of the label's samples, zlib-compressed when `encoding` is `deflate`. */
  data: z.string(),
  encoding: z.enum(['raw', 'deflate']).default('raw'),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  kind: z.enum(LABEL_KINDS),
  bitDepth: z.union([z.literal(8), z.literal(16)])
})

/** Request/response channels, `domain:verb`. */
export const channels = {
  /** Version, host kind and the dataset opened at start. */
  'app:info': channel<typeof noArg, AppInfo>(noArg),
  /** A sample's image for display (only files inside the dataset root). */
  'image:read': channel<typeof sampleRef, ImagePayload>(sampleRef),
  /** A sample's effective label: edited if present, else the dataset's own, else empty. */
  'label:read': channel<typeof sampleRef, LabelPayload>(sampleRef),
  /** Saves an edited label atomically to `<root>/.unet-studio/labels/<id>.png`. */
  'label:save': channel<typeof labelSave, { path: string }>(labelSave),
  /** Opens a dataset folder (allow-lists it once opened): its summary and first page of samples. */
  'dataset:open': channel<typeof dirArg, DatasetInfo>(dirArg),
  /** A page of an opened dataset's samples with their size and label status. */
  'dataset:page': channel<typeof pageArg, DatasetPage>(pageArg),
  /** The dataset's project.json (label type, classes, invert), seeded on first open. */
  'project:read': channel<typeof rootArg, ProjectInfo>(rootArg),
  /** Writes the dataset's project.json (atomically) as the class panel edited it. */
  'project:save': channel<typeof projectSave, ProjectInfo>(projectSave),
  /** A sample's thumbnail, longest side `size`, as base64 PNG. */
  'dataset:thumbnail': channel<typeof thumbArg, { png: string }>(thumbArg),
  /** Native folder picker (Electron); `null` when cancelled or on the web host. */
  'dialog:open-folder': channel<typeof dialogArg, { path: string | null }>(dialogArg),
  /**
   * A folder's sub-folders and image count, for the browser's folder chooser (read-only; the
   * token holder is the user). Default: the user's home folder.
   */
  'folder:list': channel<typeof folderListArg, FolderListing>(folderListArg),
  /** The user chose this folder (a dataset, a predict input, an output): it is allow-listed. */
  'folder:choose': channel<typeof folderChooseArg, { path: string }>(folderChooseArg),
  /** The per-user model library: every run trained here and every model added, described. */
  'models:list': channel<typeof noArg, ModelEntry[]>(noArg),
  /** Adds a run or model folder on disk to the library (checked: config.json and weights). */
  'models:add': channel<typeof pathArg, ModelEntry>(pathArg),
  /** Takes a model off the library list (its files stay). */
  'models:remove': channel<typeof pathArg, { ok: boolean }>(pathArg),
  /** The jobs running on the host, with their recent events, for a page that attaches late. */
  'jobs:running': channel<typeof noArg, JobInfo[]>(noArg),
  /** Merges per-instance masks into flat training pairs (job kind `merge`). */
  'merge:start': channel<typeof mergeStart, { jobId: string; out: string }>(mergeStart),
  /**
   * Starts a training job in a child process; default run folder `<data>/.unet-studio/runs/<time>`.
   * Refused while another job trains that run folder.
   */
  'train:start': channel<typeof trainStart, { jobId: string; runDir: string }>(trainStart),
  /** Asks a training job to finish its step, save a checkpoint and end. */
  'train:stop': channel<typeof jobRef, { ok: boolean }>(jobRef),
  /**
   * A new run starting from a model's weights (architecture, channels and label type checked),
   * with a fresh seeded split over the images labelled now.
   */
  'train:finetune': channel<typeof trainFinetune, { jobId: string; runDir: string }>(trainFinetune),
  /** Continues a run from its last checkpoint; refused while another job trains it. */
  'train:resume': channel<typeof runDirArg, { jobId: string }>(runDirArg),
  /** Training runs under `<root>/.unet-studio/runs`, newest first, with config and log rows. */
  'train:runs': channel<typeof rootArg, RunInfo[]>(rootArg),
  /** A few patches of one sample as a run with these settings would train on (target, augmentation). */
  'train:augment-preview': channel<typeof augmentPreviewArg, { patches: PreviewPatch[] }>(
    augmentPreviewArg
  ),
  /** Starts batch prediction of a folder with a trained run (job kind `predict`). */
  'predict:start': channel<typeof predictOptions, { jobId: string }>(predictOptions),
  /** Per-image counts (from `counts.csv`) and the outputs present in a prediction folder. */
  'predict:results': channel<typeof outArg, PredictedImage[]>(outArg),
  /** The latest predictions folder (with its `prediction.json`) made from an input folder. */
  'predict:find': channel<typeof inputArg, { found: PredictionsFound | null }>(inputArg),
  /**
   * Scores a run (job kind `eval`): its validation split by default, or every labelled image of
   * `data`; `eval.json` and the predictions go to `out` (default `<run>/eval/<split>-<data>`).
   */
  'eval:start': channel<typeof evalOptions, { jobId: string; out: string }>(evalOptions),
  /**
   * Starts choosing a trained run's post-processing on instance labels (its validation images, or
   * `data`'s); the result is saved as `postprocess` in the run's config.json.
   */
  'tune:start': channel<typeof tuneOptions, { jobId: string }>(tuneOptions),
  /** An evaluation's `eval.json`. */
  'eval:results': channel<typeof outArg, EvalReport>(outArg),
  /** One image's prediction of an evaluation, as a label (for the side-by-side view). */
  'eval:prediction': channel<typeof evalPredictionArg, LabelPayload>(evalPredictionArg),
  /** Stops any job (merge, train, predict); finished work is kept. */
  'job:cancel': channel<typeof jobRef, { ok: boolean }>(jobRef),
  /** A PNG file (overlay, mask, preview) inside an opened folder, as base64. */
  'file:png': channel<typeof pathArg, { png: string }>(pathArg)
} as const

/** Push events from main to the renderer, with their payload schemas. */
export const events = {
  /** One event of a running job (its last is `done` or `error`); every client gets it. */
  'job:event': z.strictObject({ jobId: z.string(), kind: z.enum(JOB_KINDS), event: jobEvent }),
  /** A job started (by any client of the host): attach to it to follow its events. */
  'job:started': z.strictObject({
    jobId: z.string(),
    kind: z.enum(JOB_KINDS),
    since: z.string(),
    runDir: z.string().nullable(),
    spec: jobSpec,
    events: z.array(jobEvent)
  })
} as const

/** Name of a request channel. */
export type Channel = keyof typeof channels
/** Name of a push event. */
export type EventName = keyof typeof events
/** Argument type of a channel. */
export type ChannelArg<C extends Channel> = z.input<(typeof channels)[C]['arg']>
/** Response type of a channel. */
export type ChannelResponse<C extends Channel> = NonNullable<(typeof channels)[C]['response']>
/** Payload type of an event. */
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>

/** The API the renderer sees: one function per channel, plus event subscription. */
export type Api = ChannelFunctions & EventSubscription

/** One function per channel. */
export type ChannelFunctions = {
  [C in Channel]: (arg: ChannelArg<C>) => Promise<ChannelResponse<C>>
}

/** Subscription to push events. */
export interface EventSubscription {
  /** Subscribes to a push event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

/** Channel names, for wiring loops in preload, IPC and the web host. */
export const channelNames = Object.keys(channels) as Channel[]
/** Event names, for wiring loops. */
export const eventNames = Object.keys(events) as EventName[]

/** Validates a channel's argument; throws one readable message naming the channel and fields. */
export function parseArg<C extends Channel>(
  name: C,
  raw: unknown
): z.output<(typeof channels)[C]['arg']> {
  const schema = channels[name].arg
  const result = schema.safeParse(raw ?? {})
  if (!result.success)
    throw new OptionsError(
      `Invalid argument for ${name}: ${issuesText(result.error, schema)}`,
      result.error.issues
    )
  return result.data as z.output<(typeof channels)[C]['arg']>
}
