/**
 * What the host reports about models, prediction folders, evaluations, folders on disk and
 * running jobs: plain response types of the contract (the requests are validated there).
 */
import type { JobEvent, JobKind, JobSpec } from './job-events'
import type { ModelPostprocess } from './options/predict'

/** What a model predicts: a binary mask, class indices, or separated instances. */
export type ModelLabelType = 'binary' | 'classes' | 'instances'

/** Where a model of the library comes from. */
export type ModelSource = 'trained' | 'added' | 'builtin'

/** Whether a library model can be used now. */
export type ModelStatus = 'ready' | 'training' | 'no model yet' | 'missing'

/** One model of the per-user library, described from its run folder. */
export interface ModelEntry {
  /** The run (or model) folder: config.json + model/ (or last/, or model.json beside it). */
  path: string
  /** Short name: the built-in model's title, else `<dataset>/<run>`. */
  name: string
  source: ModelSource
  status: ModelStatus
  /** Why it is missing or unreadable, in words. */
  problem?: string
  /** The dataset it was trained on (config.json `data`). */
  dataset: string | null
  /** When the run was created (ISO time). */
  createdAt: string | null
  arch: string | null
  /** Filters on the first level, pooling steps, training patch side (px). */
  base: number | null
  depth: number | null
  size: number | null
  labelType: ModelLabelType | null
  /** Binary models: the foreground is the label's zero (dark) value, e.g. ISBI membranes. */
  invertMask: boolean | null
  /** Output classes (1 for binary and instance models). */
  classes: number | null
  /** Input channels the model expects. */
  channels: number | null
  /** Best validation IoU of the run's log, null when it has none. */
  bestValIou: number | null
  /** Shipped models: object F1@0.5 on their validation split, from their model card. */
  cardF1: number | null
  /** Epochs finished (log rows). */
  epochs: number
  /** The model it was fine-tuned from, if any. */
  init: string | null
  /** Post-processing chosen for it on its validation split (threshold, min size, split h), if any. */
  postprocess: ModelPostprocess | null
  /** When it entered the library (ISO time). */
  addedAt: string
}

/** `prediction.json` in a predictions folder: which model made it, how, when, with what app. */
export interface PredictionRecord {
  /** Format version of this file. */
  version: 1
  app: { name: string; version: string }
  /** When the prediction started (ISO time). */
  date: string
  /** When it ended, and how it went; absent while it runs (or when it was killed). */
  finishedAt?: string
  result?: {
    images: number
    done: number
    skipped: number
    failed: number
    objects: number
    cancelled: boolean
  }
  /** The folder predicted (as given: a dataset root or an images folder). */
  input: string
  model: {
    path: string
    name: string
    dataset: string | null
    createdAt: string | null
    arch: string | null
    labelType: ModelLabelType | null
    /** The model's foreground is the labels' zero value (its masks are inverted to labels). */
    invertMask: boolean
    classes: number | null
    channels: number | null
  }
  /** The prediction settings (threshold, tiles, outputs…). */
  settings: Record<string, unknown>
}

/** A predictions folder found for an input folder, with its record. */
export interface PredictionsFound {
  out: string
  record: PredictionRecord
}

/** One image of an evaluation. */
export interface EvalImageRow {
  id: string
  /** Foreground IoU (binary) or mean class IoU, and Dice, of this image. */
  iou: number
  dice: number
  /** Object F1 and AP at IoU 0.5, when the ground truth has instances. */
  f1?: number
  ap50?: number
  /** Objects predicted and in the ground truth (instance ground truth only). */
  predicted?: number
  truth?: number
  /** The prediction written for the side-by-side view, relative to the eval folder. */
  prediction: string
}

/** `eval.json`: an evaluation's scores, per image and pooled. */
export interface EvalReport {
  version: 1
  date: string
  /** The model's run folder. */
  model: string
  /** The labelled folder scored. */
  data: string
  /** `val`: the run's validation split; `all`: every labelled image. */
  split: 'val' | 'all'
  labelType: ModelLabelType
  classes: number
  /** The class left out of the scores (-1: none). */
  ignoreIndex: number
  /** Class names by index, from the scored folder's classes (its project, else classes.csv). */
  classNames?: string[]
  /** Pooled pixel IoU and Dice (foreground, or mean over classes). */
  iou: number
  dice: number
  meanImageIou: number
  /** IoU per class; null for a class in neither the labels nor the predictions. */
  perClassIou: (number | null)[]
  images: number
  f1?: number
  ap50?: number
  f1Components?: number
  /** How objects were made: threshold, smallest object, split setting (with instance ground truth). */
  postprocess?: ModelPostprocess
  /** Whether each image's prediction averaged its 8 flips and transposes (absent in older reports). */
  tta?: boolean
  skipped: { file: string; reason: string }[]
  /** Per image, worst first (by F1 with instances, else by IoU). */
  perImage: EvalImageRow[]
}

/** A folder as the folder chooser lists it. */
export interface FolderListing {
  /** The folder listed (absolute). */
  dir: string
  /** Its parent, null at the file system root. */
  parent: string | null
  /** The user's home folder, for a shortcut. */
  home: string
  /** Sub-folders (hidden ones left out), in natural name order. */
  folders: { name: string; path: string }[]
  /** Image files directly inside (PNG, JPEG, TIFF). */
  images: number
  /** True when more sub-folders exist than are listed. */
  truncated: boolean
}

/** A running job as a client that attaches late sees it. */
export interface JobInfo {
  jobId: string
  kind: JobKind
  /** When it started (ISO time). */
  since: string
  /** The run folder a training job writes, else null. */
  runDir: string | null
  /** What it runs (its options). */
  spec: JobSpec
  /** Its recent events, oldest first (every epoch, the latest steps, progress and log lines). */
  events: JobEvent[]
}
