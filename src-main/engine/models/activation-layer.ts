import { tf } from '../backend/tf'
import type { Activation as StockActivation } from '@tensorflow/tfjs-layers/dist/layers/core'
import { reluApplied } from './batch-norm-layer'

/** tfjs's own Activation class, from the serialization registry (tfjs exports only a factory). */
const Stock = tf.serialization.SerializationMap.getMap().classNameMap
  .Activation[0] as unknown as typeof StockActivation

/**
 * tfjs's Activation layer, saved and loaded under the same class name and config, which in
 * training passes on unchanged a tensor its batch norm layer already put through the ReLU
 * (`fuseBatchNormRelu`); everything else is tfjs's own code.
 */
export class Activation extends Stock {
  static override className = 'Activation'

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs
    if (kwargs.training === true && reluApplied.has(x)) return x
    return super.call(inputs, kwargs) as tf.Tensor
  }
}

tf.serialization.registerClass(Activation)
