import { writeClassTable } from '../data/export/class-table'
import { initBackend } from '../engine/backend/init-backend'
import { resolveModel } from '../engine/builtin-models'
import { loadPredictor } from '../engine/infer/load-predictor'
import { checkFolderTiling, folderOptions, predictFolder } from '../engine/infer/predict-folder'
import {
  finishPredictionRecord,
  recordedSettings,
  startPredictionRecord
} from '../engine/infer/prediction-record'
import { checkPredictOutput } from '../data/export/output-check'
import type { JobRunner, JobSpec } from './protocol'

/**
 * Predict a folder in the worker: a `progress` event per image, `log` lines for failures, and
 * `prediction.json` (model, settings, date, app version) in the output folder. A stop request
 * ends the job after the current tile batch; finished images are kept.
 */
export const runPredictJob: JobRunner<Extract<JobSpec, { kind: 'predict' }>> = async (
  spec,
  ctx
) => {
  const { model, backend, ...options } = spec.options
  checkPredictOutput(options.input, options.out)
  const report = await initBackend(backend)
  ctx.send({ type: 'backend', ...report })
  const modelDir = resolveModel(model)
  const predictor = await loadPredictor(modelDir)
  checkFolderTiling(predictor, folderOptions(options))
  const { input, out } = options
  const record = await startPredictionRecord({
    model: modelDir,
    input,
    out,
    settings: recordedSettings(options, predictor)
  })
  try {
    const summary = await predictFolder(predictor, {
      ...folderOptions(options),
      signal: ctx.signal,
      onProgress: (p) => {
        ctx.send({
          type: 'progress',
          done: p.index,
          total: p.total,
          item: p.image,
          status: p.status,
          objects: p.objects,
          reason: p.reason
        })
        if (p.status === 'failed')
          ctx.send({ type: 'log', message: `failed ${p.image}: ${p.reason}` })
      }
    })
    await writeClassTable(options.out, predictor.config.project)
    await finishPredictionRecord(out, record, summary)
    return { kind: 'predict', ...summary, backend: report }
  } finally {
    predictor.model.dispose()
  }
}
