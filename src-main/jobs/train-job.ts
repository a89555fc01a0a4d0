import type { TrainConfigInput } from '../engine/config'
import { trainRun } from '../engine/train/train-run'
import type { JobRunner } from './protocol'

/** Config of a `train` job: a training config plus `resume`. */
export type TrainJobConfig = TrainConfigInput & { resume?: boolean }

/** Run training in the worker, streaming step/epoch/preview/log messages. */
export const runTrainJob: JobRunner = async (config, ctx) => {
  const { resume, ...input } = config as TrainJobConfig
  return trainRun(
    input,
    {
      onStep: (s) => ctx.send({ type: 'step', ...s }),
      onEpoch: (e) => ctx.send({ type: 'epoch', ...e }),
      onPreview: (epoch, previews) => ctx.send({ type: 'preview', epoch, previews }),
      onLog: (message) => ctx.send({ type: 'log', message }),
      shouldStop: ctx.shouldStop
    },
    { resume }
  )
}
