import type { tf } from '../backend/tf'
import { Activation } from './activation-layer'
import { BatchNorm } from './batch-norm-layer'

/**
 * Lets every batch norm layer whose only consumer is a ReLU layer apply that ReLU itself in
 * training (one kernel instead of two, and a backward pass that needs neither the normalised
 * activations nor a ReLU pass). The saved model is unchanged: stock BatchNormalization and
 * Activation layers. Idempotent; returns the number of fused pairs.
 */
export function fuseBatchNormRelu(model: tf.LayersModel): number {
  let fused = 0
  for (const layer of model.layers) {
    if (!(layer instanceof BatchNorm) || layer.outboundNodes.length !== 1) continue
    const next = layer.outboundNodes[0].outboundLayer
    if (next instanceof Activation && next.getConfig().activation === 'relu') {
      layer.reluAfter = true
      fused++
    }
  }
  return fused
}
