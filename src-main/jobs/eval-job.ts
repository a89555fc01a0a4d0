import { initBackend } from '../engine/backend/init-backend'
import { runEvaluation } from '../engine/eval/run-eval'
import type { JobRunner, JobSpec } from './protocol'

/**
 * Evaluate a run in the worker: a `progress` event per image (its score: object F1 with instance
 * ground truth, else IoU), `eval.json` and the predictions in the output folder.
 */
export const runEvalJob: JobRunner<Extract<JobSpec, { kind: 'eval' }>> = async (spec, ctx) => {
  const started = Date.now()
  const backend = await initBackend(spec.options.backend)
  ctx.send({ type: 'backend', ...backend })
  const report = await runEvaluation(spec.options, {
    onImage: (id, iou, done, total, f1) =>
      ctx.send({ type: 'progress', done, total, item: id, status: 'done', score: f1 ?? iou })
  })
  for (const s of report.skipped)
    ctx.send({ type: 'log', message: `skipped ${s.file}: ${s.reason}` })
  return {
    kind: 'eval',
    out: spec.options.out ?? null,
    model: report.model,
    data: report.data,
    split: report.split,
    backend,
    images: report.images,
    iou: report.iou,
    dice: report.dice,
    ...(report.f1 !== undefined && { f1: report.f1, ap50: report.ap50 }),
    seconds: (Date.now() - started) / 1000
  }
}
