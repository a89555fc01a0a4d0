import { tf } from '../backend/tf'
import { BATCH_NORM_TRAIN, batchNormTrainFits } from '../kernels/batch-norm-train'
import type { BatchNormalization } from '@tensorflow/tfjs-layers/dist/layers/normalization'

/** The settings and weights of tfjs's BatchNormalization we read (private in its typings). */
interface BatchNormFields {
  axis: number
  momentum: number
  epsilon: number
  center: boolean
  scale: boolean
  gamma: tf.LayerVariable
  beta: tf.LayerVariable
  movingMean: tf.LayerVariable
  movingVariance: tf.LayerVariable
}

/** Outputs of batch norm layers that applied the ReLU following them (training mode only). */
export const reluApplied = new WeakSet<tf.Tensor>()

/** Off: fused layers leave the ReLU to its own layer again (for side-by-side timings). */
export const fusedReluOptions = { enabled: true }

/**
 * tfjs's own BatchNormalization class, from the serialization registry (tfjs exports only a factory;
 * the registry types its entries as bare serializables).
 */
const Stock = tf.serialization.SerializationMap.getMap().classNameMap
  .BatchNormalization[0] as unknown as typeof BatchNormalization

/**
 * tfjs's BatchNormalization, saved and loaded under the same class name with the same config and
 * weights, whose training-mode call runs as one `BatchNormTrain` kernel with a closed-form
 * gradient where that kernel fits (wasm backend, last-axis statistics, centre and scale);
 * everything else (inference, other backends) is tfjs's own code. With `reluAfter` (set by
 * `fuseBatchNormRelu`, not saved) that kernel applies the ReLU layer that follows too, and its
 * output is marked so that the ReLU layer passes it on.
 */
export class BatchNorm extends Stock {
  static override className = 'BatchNormalization'

  reluAfter = false

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs
    // The fields are private in tfjs's typings, not at run time.
    const self = this as unknown as BatchNormFields
    const lastAxis = self.axis === -1 || self.axis === x.rank - 1
    if (kwargs.training !== true || !self.center || !self.scale || !lastAxis) {
      return super.call(inputs, kwargs) as tf.Tensor
    }
    if (!batchNormTrainFits(x)) return super.call(inputs, kwargs) as tf.Tensor
    const relu = this.reluAfter && fusedReluOptions.enabled
    const inputsMap = {
      x,
      scale: self.gamma.read(),
      offset: self.beta.read(),
      movingMean: self.movingMean.read(),
      movingVariance: self.movingVariance.read()
    }
    const attrs = { varianceEpsilon: self.epsilon, momentum: self.momentum, relu }
    const [y, mean, variance, movingMean, movingVariance] = tf
      .engine()
      .runKernel(BATCH_NORM_TRAIN, inputsMap, attrs) as tf.Tensor[]
    // The moving averages exactly as tfjs's layer updates them, formed in the kernel.
    self.movingMean.write(movingMean)
    self.movingVariance.write(movingVariance)
    tf.dispose([mean, variance, movingMean, movingVariance])
    if (relu) reluApplied.add(y)
    return y
  }
}

tf.serialization.registerClass(BatchNorm)
