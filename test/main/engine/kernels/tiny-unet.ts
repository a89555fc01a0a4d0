/** A tiny U-Net built from tf.layers, touching every op a U-Net / UNet++ training step uses. */
import { tf } from '../../../../src-main/engine/backend/tf'

function convBlock(x: tf.SymbolicTensor, filters: number, seed: number): tf.SymbolicTensor {
  let y = x
  for (let i = 0; i < 2; i++) {
    y = tf.layers
      .conv2d({
        filters,
        kernelSize: 3,
        padding: 'same',
        useBias: false,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i })
      })
      .apply(y) as tf.SymbolicTensor
    y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor
    y = tf.layers.activation({ activation: 'relu' }).apply(y) as tf.SymbolicTensor
  }
  return y
}

/** Two levels; one bilinear and one transposed-conv up path; sigmoid 1×1 head. */
export function tinyUnet(size = 16, channels = 3): tf.LayersModel {
  const input = tf.input({ shape: [size, size, channels] })
  const d0 = convBlock(input, 4, 1)
  const p0 = tf.layers.maxPooling2d({ poolSize: 2 }).apply(d0) as tf.SymbolicTensor
  const d1 = convBlock(p0, 8, 3)
  const p1 = tf.layers.maxPooling2d({ poolSize: 2 }).apply(d1) as tf.SymbolicTensor
  const b = convBlock(p1, 8, 5)
  const u1 = tf.layers
    .upSampling2d({ size: [2, 2], interpolation: 'bilinear' })
    .apply(b) as tf.SymbolicTensor
  const c1 = convBlock(tf.layers.concatenate().apply([u1, d1]) as tf.SymbolicTensor, 8, 7)
  const u0 = tf.layers
    .conv2dTranspose({
      filters: 4,
      kernelSize: 2,
      strides: 2,
      kernelInitializer: tf.initializers.glorotUniform({ seed: 9 })
    })
    .apply(c1) as tf.SymbolicTensor
  const c0 = convBlock(tf.layers.concatenate().apply([u0, d0]) as tf.SymbolicTensor, 4, 10)
  const head = tf.layers
    .conv2d({
      filters: 1,
      kernelSize: 1,
      activation: 'sigmoid',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 12 })
    })
    .apply(c0) as tf.SymbolicTensor
  return tf.model({ inputs: input, outputs: head })
}
