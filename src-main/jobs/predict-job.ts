import { initBackend } from '../engine/backend/init-backend'
import { loadPredictor } from '../engine/infer/load-predictor'
import { type PredictFolderOptions, predictFolder } from '../engine/infer/predict-folder'
import type { JobRunner } from './protocol'

/** Config of a `predict` job: the run folder plus the batch prediction options. */
export type PredictJobConfig = Omit<PredictFolderOptions, 'signal' | 'onProgress'> & {
  model: string
  backend?: 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu'
}

/** How often a stop request is checked, in milliseconds. */
export const STOP_POLL_MS = 100

/**
 * Predict a folder in the worker: a `progress` message per image, `log` lines for failures.
 * A stop request ends the job after the current tile batch; finished images are kept.
 */
export const runPredictJob: JobRunner = async (config, ctx) => {
  const { model, backend, ...options } = config as PredictJobConfig
  if (!model || !options.input || !options.out)
    throw new Error('predict job needs model, input and out')
  const report = await initBackend(backend)
  ctx.send({ type: 'log', message: `backend ${report.name}` })
  const predictor = await loadPredictor(model)
  const controller = new AbortController()
  const poll = setInterval(() => {
    if (ctx.shouldStop()) controller.abort()
  }, STOP_POLL_MS)
  try {
    const summary = await predictFolder(predictor, {
      ...options,
      signal: controller.signal,
      onProgress: (p) => {
        ctx.send({ type: 'progress', ...p })
        if (p.status === 'failed')
          ctx.send({ type: 'log', message: `failed ${p.image}: ${p.reason}` })
      }
    })
    return { ...summary, backend: report.name }
  } finally {
    clearInterval(poll)
    predictor.model.dispose()
  }
}
