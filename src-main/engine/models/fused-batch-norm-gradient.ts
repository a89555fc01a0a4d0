import { tf } from '../backend/tf'

/**
 * Gradient of FusedBatchNorm without `tile`: tfjs's own gradient tiles 1/sqrt(var + eps) to the
 * full activation shape before multiplying (a slow Tile kernel on wasm, about a fifth of a U-Net
 * training step); broadcasting gives the same values. Registered once when models are imported.
 */
export function registerBatchNormGradient(): void {
  tf.registerGradient({
    kernelName: 'FusedBatchNorm',
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const g = dy as tf.Tensor
      const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number }
      const [x, mean, variance, scale] = saved
      const s = scale ?? tf.scalar(1)
      const axes = mean.rank === 1 ? x.shape.slice(0, -1).map((_, i) => i) : []
      const reduce = (t: tf.Tensor) => (axes.length ? tf.sum(t, axes) : t).reshape(mean.shape)
      const xMinusMean = tf.sub(x, mean)
      const dyScaled = tf.mul(g, s)
      const rstd = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)))
      const minusHalfRCube = tf.mul(tf.mul(tf.mul(rstd, rstd), rstd), tf.scalar(-0.5))
      return {
        x: () => tf.mul(dyScaled, rstd).reshape(x.shape),
        mean: () => reduce(tf.mul(tf.neg(rstd), dyScaled)),
        variance: () => reduce(tf.mul(tf.mul(minusHalfRCube, xMinusMean), dyScaled)),
        scale: () => reduce(tf.mul(g, tf.mul(xMinusMean, rstd))),
        offset: () => reduce(g)
      }
    }
  })
}

registerBatchNormGradient()
