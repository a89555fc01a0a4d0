/** Runs one job in the worker; each kind's code is loaded only when a job of that kind starts. */
import type { JobResult } from '../../src-preload/job-events'
import type { JobContext, JobSpec } from './protocol'

/** Runs the job `spec` describes and resolves with its result. */
export async function runJob(spec: JobSpec, ctx: JobContext): Promise<JobResult> {
  switch (spec.kind) {
    case 'merge':
      return (await import('./merge-job')).runMergeJob(spec, ctx)
    case 'train':
      return (await import('./train-job')).runTrainJob(spec, ctx)
    case 'predict':
      return (await import('./predict-job')).runPredictJob(spec, ctx)
    case 'eval':
      return (await import('./eval-job')).runEvalJob(spec, ctx)
    case 'tune':
      return (await import('./tune-job')).runTuneJob(spec, ctx)
  }
}
