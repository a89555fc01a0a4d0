import { tf } from '../backend/tf'
import './fused-batch-norm-gradient'
import type { ModelConfig } from './blocks'
import { fuseBatchNormRelu } from './fuse-batch-norm-relu'
import { createUnet } from './unet/unet'
import { createUnetpp } from './unetpp/unetpp'

export type { ModelConfig } from './blocks'
export { BilinearUpsample } from './upsample-layer'
export { fuseBatchNormRelu } from './fuse-batch-norm-relu'

const FACTORIES: Record<ModelConfig['arch'], (cfg: ModelConfig) => tf.LayersModel> = {
  unet: createUnet,
  unetpp: createUnetpp
}

/** Build a model by kind; unknown kinds and bad sizes are rejected. */
export function createModel(cfg: ModelConfig): tf.LayersModel {
  const factory = FACTORIES[cfg.arch]
  if (!factory)
    throw new Error(`unknown model kind "${String(cfg.arch)}" (expected unet or unetpp)`)
  if (cfg.channels < 1) throw new Error(`channels must be >= 1, got ${cfg.channels}`)
  if (cfg.classes < 1) throw new Error(`classes must be >= 1, got ${cfg.classes}`)
  const model = factory(cfg)
  fuseBatchNormRelu(model)
  return model
}

/** Number of trainable parameters (what PyTorch's `parameters()` counts). */
export function countTrainableParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce(
    (n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1),
    0
  )
}

/** The single final output of a (possibly deeply supervised) model, for saving and prediction. */
export function inferenceView(model: tf.LayersModel): tf.LayersModel {
  if (model.outputs.length === 1) return model
  return tf.model({ inputs: model.inputs, outputs: model.outputs[model.outputs.length - 1] })
}
