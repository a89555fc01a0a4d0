/**
 * `tune`: choose a trained run's object post-processing (test-time augmentation, threshold,
 * smallest object, object probability floor, split h or seed level) on labelled instance images
 * with {@link choosePostprocess}, and save it as `postprocess` in the run's config.json, where
 * predict, eval and the app's Predict panel take it from.
 */
import { relative, resolve } from 'node:path'
import {
  tuneOptions,
  type TuneOptions,
  type TuneOptionsInput
} from '../../../src-preload/options/tune'
import { readEffectiveLabel } from '../../data/label-store'
import { initBackend } from '../backend/init-backend'
import { builtinModelsDir, resolveModel } from '../builtin-models'
import { loadPredictor } from '../infer/load-predictor'
import { readRunConfig, writeRunConfig } from '../run-store'
import { assertRunFree } from '../train/run-lock'
import { choosePostprocess, DEFAULT_GRID, type GridScore } from './choose-postprocess'
import { labelledSamples } from './evaluate'
import { evalTargets, NothingToEvaluateError } from './run-eval'

/** Why a built-in model is not tuned (the host refuses it with the same words). */
export function builtinRefusal(dir: string): Error {
  return new Error(
    `${dir}: a built-in model; its post-processing is chosen when it is built (npm run model:nuclei)`
  )
}

/** What `tune` chose and saved. */
export interface TuneOutcome {
  runDir: string
  data: string
  images: number
  chosen: GridScore
  /** The best settings, best first (the chosen one first). */
  best: GridScore[]
  /** The post-processing the run had before (null: none, the fallback applied). */
  before: GridScore['settings'] | null
}

/**
 * Chooses and saves a run's post-processing as `input` says. Aborting `signal` stops it after
 * the image being scored, with nothing saved.
 */
export async function tuneRun(
  input: TuneOptions | TuneOptionsInput,
  onImage?: (done: number, total: number) => void,
  signal?: AbortSignal
): Promise<TuneOutcome> {
  const o = tuneOptions.parse(input)
  const model = resolveModel(o.model)
  if (!relative(builtinModelsDir(), resolve(model)).startsWith('..')) throw builtinRefusal(model)
  const { runDir, data, ids } = await evalTargets({
    model,
    data: o.data,
    split: o.data ? 'all' : 'val'
  })
  assertRunFree(runDir)
  const config = await readRunConfig(runDir)
  if (config.classes > 1 || config.target === 'classes')
    throw new Error(`${runDir}: a multi-class model makes no objects: nothing to tune`)
  const { samples } = await labelledSamples(data, ids)
  const withInstances = []
  for (const s of samples)
    if ((await readEffectiveLabel(data, s).catch(() => null))?.kind === 'instances')
      withInstances.push(s)
  if (withInstances.length === 0)
    throw new NothingToEvaluateError(
      `${data}: none of the ${samples.length} labelled images chosen has instance labels (one mask ` +
        'file per object, or an id map): tuning needs the objects separated'
    )
  await initBackend(o.backend)
  const predictor = await loadPredictor(runDir)
  try {
    const grid = { ...DEFAULT_GRID, tta: o.tta ? [false, true] : [false] }
    const progress = (done: number, total: number): void => {
      onImage?.(done, total)
      if (signal?.aborted && done < total)
        throw new Error(
          `${runDir}: tuning stopped after ${done} of ${total} images; its post-processing is unchanged`
        )
    }
    const r = await choosePostprocess(predictor, data, withInstances, grid, progress)
    assertRunFree(runDir)
    const fresh = await readRunConfig(runDir)
    await writeRunConfig(runDir, { ...fresh, postprocess: r.chosen.settings })
    return {
      runDir,
      data: resolve(data),
      images: r.images,
      chosen: r.chosen,
      best: r.rows.slice(0, 5),
      before: config.postprocess ?? null
    }
  } finally {
    predictor.model.dispose()
  }
}
