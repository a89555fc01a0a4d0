import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { RunConfig } from '../config'
import { loadModel } from '../model-io'
import { inferenceView } from '../models'
import type { TargetKind } from '../postprocess/postprocess'
import type { Predictor } from './predict-image'

/** A run folder's model ready for prediction, with the settings prediction must copy. */
export interface LoadedPredictor extends Predictor {
  config: RunConfig
  /** Default tile side: the training patch size. */
  tile: number
  /** What the model predicts, for post-processing. */
  target: TargetKind
}

/** The post-processing target of a run: boundary runs predict bg / interior / boundary. */
export function targetOf(config: RunConfig): TargetKind {
  const labels =
    (config as { labels?: string; target?: string }).labels ??
    (config as { target?: string }).target
  if (labels === 'boundary') return 'boundary'
  return config.classes > 1 ? 'classes' : 'binary'
}

/** Load `<run>/config.json` and `<run>/model/` into a {@link LoadedPredictor}. */
export async function loadPredictor(runDir: string): Promise<LoadedPredictor> {
  let config: RunConfig
  try {
    config = JSON.parse(await readFile(join(runDir, 'config.json'), 'utf8')) as RunConfig
  } catch (err) {
    throw new Error(
      `${join(runDir, 'config.json')}: cannot read run config (${(err as Error).message})`
    )
  }
  const model = inferenceView(await loadModel(join(runDir, 'model')))
  const classes = config.classes
  return {
    model,
    config,
    channels: config.channels,
    classes,
    divisor: 2 ** config.depth,
    activation: config.output === 'logits' ? (classes === 1 ? 'sigmoid' : 'softmax') : 'none',
    tile: config.size,
    target: targetOf(config)
  }
}
