import type { JobRunner } from './protocol'

/** Job kinds the worker can run; each is loaded only when a job of that kind starts. */
export const JOB_KINDS: Record<string, () => Promise<JobRunner>> = {
  train: async () => (await import('./train-job')).runTrainJob,
  predict: async () => (await import('./predict-job')).runPredictJob
}
