/**
 * What crosses between a job host and its worker process, and on to the renderer: the job kinds
 * and their options, the host's start/stop messages, and one discriminated union of the events a
 * job sends. Plain data only (no typed arrays: preview pixels travel as base64), so the same
 * events pass unchanged through IPC, `child_process` and the web host's JSON.
 */
import { z } from 'zod'
import { BACKEND_NAMES } from './options/backend'
import { EVAL_SPLITS, evalOptions } from './options/eval'
import { MERGE_MODES, mergeOptions } from './options/merge'
import { modelPostprocess, predictOptions } from './options/predict'
import { trainConfig, trainResume } from './options/train'
import { tuneOptions } from './options/tune'

/** What runs as a job. */
export const JOB_KINDS = ['merge', 'train', 'predict', 'eval', 'tune'] as const
/** What runs as a job. */
export type JobKind = (typeof JOB_KINDS)[number]

/** What a job runs: its kind and its options (a training job either starts or resumes a run). */
export const jobSpec = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('merge'), options: mergeOptions }),
  z.discriminatedUnion('resume', [
    z.strictObject({ kind: z.literal('train'), resume: z.literal(false), options: trainConfig }),
    z.strictObject({ kind: z.literal('train'), resume: z.literal(true), options: trainResume })
  ]),
  z.strictObject({ kind: z.literal('predict'), options: predictOptions }),
  z.strictObject({ kind: z.literal('eval'), options: evalOptions }),
  z.strictObject({ kind: z.literal('tune'), options: tuneOptions })
])
/** What a job runs. */
export type JobSpec = z.output<typeof jobSpec>
/** What a job runs, as a caller writes it (defaults not yet filled). */
export type JobSpecInput = z.input<typeof jobSpec>

/** Host → worker: start one job (once), or ask it to finish its step, save and end. */
export const hostMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('start'), jobId: z.string().min(1), spec: jobSpec }),
  z.strictObject({ type: z.literal('stop') })
])
/** Host → worker message. */
export type HostMessage = z.input<typeof hostMessage>

const count = z.number().int().min(0)
const seconds = z.number().min(0)
/** A validation figure: null when the run has no validation images. */
const valFigure = z.number().nullable()
const problem = z.strictObject({
  sample: z.string().optional(),
  file: z.string(),
  reason: z.string()
})

/** Training progress after one optimisation step. */
export const stepInfo = z.strictObject({
  epoch: count,
  step: count,
  steps: count,
  loss: z.number(),
  iou: z.number(),
  dice: z.number(),
  lr: z.number(),
  imagesPerSec: z.number().min(0),
  etaSeconds: seconds
})
/** Training progress after one optimisation step. */
export type StepInfo = z.infer<typeof stepInfo>

/** Summary of one training epoch (the same figures as the log.csv row). */
export const epochInfo = z.strictObject({
  epoch: count,
  epochs: count,
  lr: z.number(),
  loss: z.number(),
  iou: z.number(),
  dice: z.number(),
  valLoss: valFigure,
  valIou: valFigure,
  valDice: valFigure,
  seconds,
  best: z.boolean(),
  etaSeconds: seconds,
  /** Multi-class runs: validation IoU of each class (null for a class absent from the tiles). */
  valClassIou: z.array(valFigure).optional()
})
/** Summary of one training epoch. */
export type EpochInfo = z.infer<typeof epochInfo>

/** Base64 of raw 8-bit pixels, row-major, channels interleaved. */
const pixels = z.base64()

/** A validation image, its label and the model's prediction (class indices), as raw bytes. */
export const previewImage = z.strictObject({
  id: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** Channels of `image` (label and prediction have one). */
  channels: z.number().int().min(1).max(4),
  image: pixels,
  label: pixels,
  pred: pixels
})
/** A validation preview as it travels. */
export type PreviewImage = z.infer<typeof previewImage>

/** The backend a job runs on, and why each one tried before it was skipped. */
export const backendReport = z.strictObject({
  name: z.enum(BACKEND_NAMES),
  skipped: z.array(z.strictObject({ name: z.enum(BACKEND_NAMES), reason: z.string() })),
  /** How the chosen backend runs, e.g. `threaded SIMD, 2 threads` for wasm. */
  detail: z.string().optional()
})
/** The backend a job runs on, and why the better ones were skipped. */
export type BackendReport = z.infer<typeof backendReport>

/** What a training job returns (finished, stopped or stopped early). */
export const trainResult = z.strictObject({
  kind: z.literal('train'),
  out: z.string(),
  backend: backendReport,
  epochs: count,
  stopped: z.boolean(),
  earlyStopped: z.boolean(),
  bestEpoch: count,
  bestValIou: z.number(),
  bestValDice: z.number(),
  lastValIou: valFigure,
  seconds,
  trainImages: count,
  valImages: count
})
/** What a training job returns. */
export type TrainResult = z.infer<typeof trainResult>

/** What a prediction job returns. */
export const predictResult = z.strictObject({
  kind: z.literal('predict'),
  out: z.string(),
  backend: backendReport,
  images: count,
  done: count,
  skipped: count,
  failed: count,
  objects: count,
  seconds,
  imagesPerSecond: z.number().min(0),
  cancelled: z.boolean(),
  problems: z.array(problem)
})
/** What a prediction job returns. */
export type PredictResult = z.infer<typeof predictResult>

/** What a merge job returns. */
export const mergeResult = z.strictObject({
  kind: z.literal('merge'),
  root: z.string(),
  outDir: z.string(),
  layout: z.enum(['dsb2018', 'flat-pairs', 'images-only']),
  mode: z.enum(MERGE_MODES),
  size: z.number().int().positive().nullable(),
  connectivity: z.union([z.literal(4), z.literal(8)]).nullable(),
  samples: count,
  ok: count,
  failed: z.array(problem),
  scanProblems: z.array(problem),
  masksMerged: count,
  overlapPixels: count,
  samplesWithOverlaps: count,
  seconds,
  masksPerSecond: z.number().min(0),
  cancelled: z.boolean()
})
/** What a merge job returns. */
export type MergeResult = z.infer<typeof mergeResult>

/** What an evaluation job returns (the full report is `eval.json` in `out`). */
export const evalResult = z.strictObject({
  kind: z.literal('eval'),
  /** Folder holding eval.json and the per-image predictions, null when none was written. */
  out: z.string().nullable(),
  model: z.string(),
  data: z.string(),
  split: z.enum(EVAL_SPLITS),
  backend: backendReport,
  images: count,
  iou: z.number(),
  dice: z.number(),
  f1: z.number().optional(),
  ap50: z.number().optional(),
  seconds
})
/** What an evaluation job returns. */
export type EvalResult = z.infer<typeof evalResult>

/** What a tuning job returns: the post-processing chosen and saved in the run's config.json. */
export const tuneResult = z.strictObject({
  kind: z.literal('tune'),
  model: z.string(),
  data: z.string(),
  backend: backendReport,
  images: count,
  chosen: z.strictObject({ settings: modelPostprocess, f1: z.number(), ap50: z.number() }),
  /** What the run had before (null: nothing chosen, the fallback applied). */
  before: modelPostprocess.nullable(),
  seconds
})
/** What a tuning job returns. */
export type TuneResult = z.infer<typeof tuneResult>

/** What a job returns, by kind. */
export const jobResult = z.discriminatedUnion('kind', [
  trainResult,
  predictResult,
  mergeResult,
  evalResult,
  tuneResult
])
/** What a job returns, by kind. */
export type JobResult = z.infer<typeof jobResult>
/** What a job of kind `K` returns. */
export type ResultOf<K extends JobKind> = Extract<JobResult, { kind: K }>

/** Everything a job sends, discriminated by `type`; `done` and `error` are always last. */
export const jobEvent = z.discriminatedUnion('type', [
  /** After each training step. */
  z.strictObject({ type: z.literal('step'), ...stepInfo.shape }),
  /** After each training epoch. */
  z.strictObject({ type: z.literal('epoch'), ...epochInfo.shape }),
  /** Validation previews of an epoch. */
  z.strictObject({ type: z.literal('preview'), epoch: count, previews: z.array(previewImage) }),
  /** After each item of a merge (a sample), a prediction or an evaluation (an image). */
  z.strictObject({
    type: z.literal('progress'),
    /** Items finished so far (done, skipped or failed). */
    done: count,
    total: count,
    /** The item just finished: a sample id (merge, eval) or an image file name (predict). */
    item: z.string(),
    /** How that image went (predict, eval). */
    status: z.enum(['done', 'skipped', 'failed']).optional(),
    /** Objects found in that image (predict). */
    objects: count.optional(),
    /** That image's score (eval: object F1 with instance ground truth, else IoU). */
    score: z.number().optional(),
    /** Why it failed. */
    reason: z.string().optional(),
    /** Samples that failed so far (merge). */
    failed: count.optional()
  }),
  /** A line for the job's log. */
  z.strictObject({ type: z.literal('log'), message: z.string() }),
  /** The backend chosen, once, before the work starts. */
  z.strictObject({ type: z.literal('backend'), ...backendReport.shape }),
  /** The job finished (or was stopped cleanly) with its result. */
  z.strictObject({ type: z.literal('done'), result: jobResult }),
  /** The job failed. */
  z.strictObject({ type: z.literal('error'), message: z.string(), stack: z.string().optional() })
])
/** Everything a job sends. */
export type JobEvent = z.infer<typeof jobEvent>
/** What a job sends while it runs (everything but `done` and `error`). */
export type JobUpdate = Exclude<JobEvent, { type: 'done' | 'error' }>
/** A job event of one type. */
export type JobEventOf<T extends JobEvent['type']> = Extract<JobEvent, { type: T }>
