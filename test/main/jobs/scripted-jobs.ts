/**
 * Jobs without a worker process, for testing what crosses it: a transport that answers the start
 * message with a scripted list of raw events (cloned, as a process boundary would), and one
 * sample event of every kind.
 */
import type { BackendReport, JobEvent, JobKind, JobSpecInput } from '../../../src-preload/contract'
import { createJobHandle, type JobTransport } from '../../../src-main/jobs/job-handle'
import { encodePreview } from '../../../src-main/jobs/train-job'
import type { StartJob } from '../../../src-main/services/job-service'

/** A transport whose "worker" sends `script` after the start message, then exits. */
export function scriptedTransport(
  script: unknown[],
  record: { posted: unknown[]; killed: boolean } = { posted: [], killed: false }
): JobTransport {
  const onMessage: ((raw: unknown) => void)[] = []
  const onExit: ((why: string) => void)[] = []
  let alive = true
  const exit = (why: string) => {
    if (!alive) return
    alive = false
    for (const l of onExit) l(why)
  }
  return {
    pid: 4242,
    post(msg) {
      record.posted.push(msg)
      if (msg.type !== 'start') return
      setImmediate(() => {
        for (const raw of script) if (alive) for (const l of onMessage) l(structuredClone(raw))
        exit('code 0')
      })
    },
    kill() {
      record.killed = true
      exit('SIGKILL')
    },
    onMessage: (l) => void onMessage.push(l),
    onExit: (l) => void onExit.push(l)
  }
}

/** A launcher whose jobs send the script `scripts[kind]` instead of doing any work. */
export function scriptedLauncher(scripts: Partial<Record<JobKind, unknown[]>>): StartJob {
  return (jobId: string, spec: JobSpecInput, onEvent: (e: JobEvent) => void) =>
    createJobHandle(jobId, spec, () => scriptedTransport(scripts[spec.kind] ?? []), onEvent)
}

const backend: BackendReport = {
  name: 'wasm',
  skipped: [
    { name: 'tensorflow-gpu', reason: 'not installed' },
    { name: 'tensorflow', reason: 'not installed' }
  ],
  detail: 'threaded SIMD, 2 threads'
}

/** Every event a training job sends, ending with its result. */
export const TRAIN_EVENTS: JobEvent[] = [
  { type: 'backend', ...backend },
  { type: 'log', message: '3 training and 1 validation images, 1 channel(s)' },
  {
    type: 'step',
    epoch: 1,
    step: 1,
    steps: 2,
    loss: 0.71,
    iou: 0.12,
    dice: 0.2,
    lr: 0.001,
    imagesPerSec: 10.5,
    etaSeconds: 3.2
  },
  {
    type: 'epoch',
    epoch: 1,
    epochs: 2,
    lr: 0.001,
    loss: 0.7,
    iou: 0.1,
    dice: 0.18,
    valLoss: null,
    valIou: null,
    valDice: null,
    seconds: 1.5,
    best: true,
    etaSeconds: 1.5
  },
  {
    type: 'preview',
    epoch: 1,
    previews: [
      encodePreview({
        id: 'a',
        width: 2,
        height: 2,
        channels: 3,
        image: Uint8Array.from({ length: 12 }, (_, i) => i * 20),
        label: Uint8Array.from([0, 1, 1, 0]),
        pred: Uint8Array.from([0, 1, 0, 0])
      })
    ]
  },
  {
    type: 'done',
    result: {
      kind: 'train',
      out: '/runs/a',
      backend,
      epochs: 2,
      stopped: false,
      earlyStopped: false,
      bestEpoch: 2,
      bestValIou: 0.5,
      bestValDice: 0.6,
      lastValIou: null,
      seconds: 3,
      trainImages: 3,
      valImages: 0
    }
  }
]

/** Every event a prediction job sends, ending with its result. */
export const PREDICT_EVENTS: JobEvent[] = [
  { type: 'backend', ...backend },
  { type: 'progress', done: 1, total: 2, item: 'a.png', status: 'done', objects: 7 },
  { type: 'progress', done: 2, total: 2, item: 'b.png', status: 'failed', reason: 'unreadable' },
  { type: 'log', message: 'failed b.png: unreadable' },
  {
    type: 'done',
    result: {
      kind: 'predict',
      out: '/out',
      backend,
      images: 2,
      done: 1,
      skipped: 0,
      failed: 1,
      objects: 7,
      seconds: 1,
      imagesPerSecond: 1,
      cancelled: false,
      problems: [{ file: '/in/b.png', reason: 'unreadable' }]
    }
  }
]

/** A merge job that fails after one sample. */
export const MERGE_EVENTS: JobEvent[] = [
  { type: 'progress', done: 1, total: 3, item: 's1', failed: 0 },
  { type: 'error', message: 'disk full', stack: 'Error: disk full\n    at merge' }
]

/** A merge job's result. */
export const MERGE_DONE: JobEvent = {
  type: 'done',
  result: {
    kind: 'merge',
    root: '/d',
    outDir: '/d/.unet-studio/merged-boundary',
    layout: 'dsb2018',
    mode: 'boundary',
    size: 128,
    connectivity: 4,
    samples: 3,
    ok: 2,
    failed: [{ sample: 's3', file: '/d/s3/masks/x.png', reason: 'a mask of another size' }],
    scanProblems: [],
    masksMerged: 20,
    overlapPixels: 4,
    samplesWithOverlaps: 1,
    seconds: 0.5,
    masksPerSecond: 40,
    cancelled: false
  }
}

/** Every event an evaluation job sends, ending with its result. */
export const EVAL_EVENTS: JobEvent[] = [
  { type: 'backend', ...backend },
  { type: 'progress', done: 1, total: 2, item: 's1', status: 'done', score: 0.8 },
  { type: 'progress', done: 2, total: 2, item: 's2', status: 'done', score: 0.6 },
  {
    type: 'done',
    result: {
      kind: 'eval',
      out: '/runs/a/eval/val-d',
      model: '/runs/a',
      data: '/d',
      split: 'val',
      backend,
      images: 2,
      iou: 0.7,
      dice: 0.8,
      f1: 0.7,
      ap50: 0.55,
      seconds: 2
    }
  }
]
