import { initBackend } from '../engine/backend/init-backend'
import { tuneRun } from '../engine/eval/tune-run'
import type { JobRunner, JobSpec } from './protocol'

/**
 * Choose a run's post-processing in the worker: a `progress` event per image predicted and
 * scored, the chosen settings saved in the run's config.json; a stop request ends it after the
 * image being scored, with nothing saved.
 */
export const runTuneJob: JobRunner<Extract<JobSpec, { kind: 'tune' }>> = async (spec, ctx) => {
  const started = Date.now()
  const backend = await initBackend(spec.options.backend)
  ctx.send({ type: 'backend', ...backend })
  const r = await tuneRun(
    spec.options,
    (done, total) =>
      ctx.send({ type: 'progress', done, total, item: `${done}/${total}`, status: 'done' }),
    ctx.signal
  )
  return {
    kind: 'tune',
    model: r.runDir,
    data: r.data,
    backend,
    images: r.images,
    chosen: r.chosen,
    before: r.before,
    seconds: (Date.now() - started) / 1000
  }
}
