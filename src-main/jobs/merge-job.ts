import { mergeDataset } from '../data/merge'
import type { JobRunner, JobSpec } from './protocol'

/** Merge instance masks in the worker: a `progress` event per sample; a stop ends it early. */
export const runMergeJob: JobRunner<Extract<JobSpec, { kind: 'merge' }>> = async (spec, ctx) => {
  const { root, out, mode, size } = spec.options
  const summary = await mergeDataset(root, out, {
    mode,
    size,
    signal: ctx.signal,
    onProgress: (p) =>
      ctx.send({ type: 'progress', done: p.done, total: p.total, item: p.sample, failed: p.failed })
  })
  return { kind: 'merge', ...summary }
}
