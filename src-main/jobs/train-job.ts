import type { PreviewImage } from '../../src-preload/job-events'
import { trainRun, type Preview } from '../engine/train/train-run'
import type { JobRunner, JobSpec } from './protocol'

/** A preview's pixels as they travel: base64 of the raw bytes, with the shape beside them. */
export function encodePreview(p: Preview): PreviewImage {
  const b64 = (a: Uint8Array) =>
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64')
  return {
    id: p.id,
    width: p.width,
    height: p.height,
    channels: p.channels,
    image: b64(p.image),
    label: b64(p.label),
    pred: b64(p.pred)
  }
}

/** Train (or resume) a run in the worker: backend, step, epoch, preview and log events. */
export const runTrainJob: JobRunner<Extract<JobSpec, { kind: 'train' }>> = async (spec, ctx) => {
  const summary = await trainRun(
    spec.options,
    {
      onBackend: (report) => ctx.send({ type: 'backend', ...report }),
      onStep: (s) => ctx.send({ type: 'step', ...s }),
      onEpoch: (e) => ctx.send({ type: 'epoch', ...e }),
      onPreview: (epoch, previews) =>
        ctx.send({ type: 'preview', epoch, previews: previews.map(encodePreview) }),
      onLog: (message) => ctx.send({ type: 'log', message }),
      shouldStop: () => ctx.signal.aborted
    },
    { resume: spec.resume, jobId: ctx.jobId }
  )
  return { kind: 'train', ...summary }
}
