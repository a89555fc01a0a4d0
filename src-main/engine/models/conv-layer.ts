import { tf } from '../backend/tf'
import type { Conv2D as StockConv2D } from '@tensorflow/tfjs-layers/dist/layers/convolutional'

/** The settings and weights of tfjs's Conv2D we read (protected in its typings). */
interface ConvFields {
  rank: number
  dataFormat: string
  strides: [number, number]
  padding: string
  dilationRate: [number, number]
  kernel: tf.LayerVariable
  bias: tf.LayerVariable | null
  activation: { apply(x: tf.Tensor): tf.Tensor }
}

/** tfjs's own Conv2D class, from the serialization registry (tfjs exports only a factory). */
const Stock = tf.serialization.SerializationMap.getMap().classNameMap
  .Conv2D[0] as unknown as typeof StockConv2D

/**
 * tfjs's Conv2D, saved and loaded under the same class name with the same config and weights.
 * A layer that reads the model's input runs unfused in training (`conv2d`, then the bias added):
 * tfjs's fused convolution computes the gradient of every input eagerly, and the gradient of the
 * model's input is never used; the unfused ops' gradients are computed only for the inputs that
 * lead back to a variable. Every other call is tfjs's own code.
 */
export class Conv extends Stock {
  static override className = 'Conv2D'

  /** True when an input of this layer is the model's input layer. */
  private readsModelInput(): boolean {
    return this.inboundNodes.some((node) =>
      node.inboundLayers.some((layer) => layer.getClassName() === 'InputLayer')
    )
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor {
    // The fields are protected in tfjs's typings, not at run time.
    const self = this as unknown as ConvFields
    const plain = self.rank === 2 && self.dataFormat === 'channelsLast'
    if (kwargs.training !== true || !plain || !this.readsModelInput()) {
      return super.call(inputs, kwargs) as tf.Tensor
    }
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D
      const pad = self.padding === 'same' ? 'same' : 'valid'
      const kernel = self.kernel.read() as tf.Tensor4D
      const conv = tf.conv2d(x, kernel, self.strides, pad, 'NHWC', self.dilationRate)
      return self.activation.apply(self.bias ? tf.add(conv, self.bias.read()) : conv)
    })
  }
}

tf.serialization.registerClass(Conv)
