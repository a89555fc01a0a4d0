import { stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { RunConfig } from '../config'
import { buildInferGraph } from './infer-graph'
import type { TargetKind } from '../postprocess/postprocess'
import { loadRun } from '../run-store'
import { activationOf, outputChannels, type TargetFields, targetOf } from '../targets/target-kind'
import type { Predictor } from './predict-image'

/**
 * Default largest tile for prediction. The nets are fully convolutional, so tiles larger than the
 * training patch give the same masks (IoU with the ground truth within ±0.03 of 96 px tiles on
 * DSB 2018 images, see bench/README.md) with far less overlap: about twice the images per second.
 * Memory bounds it: activations grow with the tile area (large tiles go one per forward pass).
 */
export const DEFAULT_PREDICT_TILE = 512

/**
 * Images up to this many pixels (after any rescaling) are predicted whole when no tile size is
 * given: the net sees all of the image, as `eval` scores it, so Predict and Evaluate find the same
 * objects (the first shipped nuclei model: DSB2018 validation F1 0.787 whole against 0.780 in
 * 512 px tiles, bench/README.md).
 * Larger images go in tiles: a whole 1024×1024 image peaks near 0.9 GB with the nuclei model,
 * 512 px tiles near 0.45 GB.
 */
export const WHOLE_IMAGE_PIXELS = 1024 * 1024

/** The tile side to use for a `width` × `height` image: 0 (whole) when small enough, else `tile`. */
export function autoTile(width: number, height: number, tile: number): number {
  return width * height <= WHOLE_IMAGE_PIXELS ? 0 : tile
}

/** A run folder's model ready for prediction, with the settings prediction must copy. */
export interface LoadedPredictor extends Predictor {
  config: RunConfig
  /**
   * Largest tile side for images too large to predict whole (`autoTile`):
   * `DEFAULT_PREDICT_TILE`, or the training patch size if larger.
   */
  tile: number
  /** What the model predicts, for post-processing. */
  target: TargetKind
  /** Identifies the model files (path and modification times), so exports notice a new model. */
  stamp?: string
}

/**
 * What a run's probability map holds, for post-processing: a binary or class map, or for
 * instance runs the outputs of their separation (boundary classes, distance, or both).
 */
export function mapKindOf(config: TargetFields): TargetKind {
  const t = targetOf(config)
  return t.target === 'instances' ? t.separation : t.target
}

/**
 * A predictor for a model and its run config (logits → sigmoid or softmax). It predicts through
 * the inference graph (BN folded into the convs, ReLU fused) when the model allows; disposing the
 * model also frees the graph's folded weights.
 */
export function predictorFor(model: Predictor['model'], config: RunConfig): LoadedPredictor {
  const classes = outputChannels(targetOf(config))
  const graph = buildInferGraph(model)
  if (graph) {
    const disposeModel = model.dispose.bind(model)
    model.dispose = () => {
      graph.dispose()
      return disposeModel()
    }
  }
  return {
    model,
    forward: graph ? (x) => graph.predict(x) : undefined,
    config,
    channels: config.channels,
    classes,
    divisor: 2 ** config.depth,
    activation: config.output === 'logits' ? activationOf(targetOf(config)) : 'none',
    tile: Math.max(config.size, DEFAULT_PREDICT_TILE),
    target: mapKindOf(config)
  }
}

/** Open a run folder (config.json + best model, else last checkpoint) for prediction. */
export async function loadPredictor(runDir: string): Promise<LoadedPredictor> {
  const { model, config } = await loadRun(runDir)
  return { ...predictorFor(model, config), stamp: await modelStamp(runDir) }
}

/** Path and modification times of a run's model files (best model, else last checkpoint). */
async function modelStamp(runDir: string): Promise<string> {
  const times = await Promise.all(
    ['model', 'last', '.'].map((d) =>
      stat(join(runDir, d, 'model.json')).then(
        (s) => `${d}:${s.mtimeMs}`,
        () => `${d}:-`
      )
    )
  )
  return [resolve(runDir), ...times].join('|')
}
