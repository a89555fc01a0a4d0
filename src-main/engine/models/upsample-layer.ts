import { tf } from '../backend/tf'

/**
 * Doubles height and width with bilinear interpolation and align_corners (as PyTorch's U-Net).
 * Models made before the stock `UpSampling2D` became the default hold this layer; it stays
 * registered so their runs still load, predict and resume.
 */
export class BilinearUpsample extends tf.layers.Layer {
  /** Registered name, written into model.json. */
  static className = 'BilinearUpsample'

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape
    return [s[0], s[1] == null ? null : s[1] * 2, s[2] == null ? null : s[2] * 2, s[3]]
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D
      const [, h, w] = x.shape
      return tf.image.resizeBilinear(x, [h * 2, w * 2], true)
    })
  }
}

tf.serialization.registerClass(BilinearUpsample)
