import { tf } from '../backend/tf'
import { DICE_SMOOTH } from '../constants'
import { INSTANCE_PLANES } from './instance-target'
import type { Separation } from './target-kind'

/** Options of the instance loss. */
export interface InstanceLossOptions {
  separation: Separation
  /** Weights of background / interior / boundary in the 3-class cross-entropy. */
  classWeights?: number[]
  /** Weight of the distance term. */
  distanceWeight?: number
}

/** Soft Dice loss of a foreground probability against 0/1 truth, over the whole batch. */
function softDice(p: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const inter = tf.sum(tf.mul(p, y))
  return tf.sub(
    1,
    tf.div(tf.add(tf.mul(inter, 2), DICE_SMOOTH), tf.add(tf.add(tf.sum(p), tf.sum(y)), DICE_SMOOTH))
  )
}

/** Weighted mean of per-pixel losses. */
function weightedMean(l: tf.Tensor, w: tf.Tensor): tf.Tensor {
  return tf.div(tf.sum(tf.mul(l, w)), tf.maximum(tf.sum(w), 1e-12))
}

/** Per-pixel binary cross-entropy of logits against soft targets in 0..1. */
function bcePixels(logits: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.add(
    tf.sub(tf.relu(logits), tf.mul(logits, y)),
    tf.log1p(tf.exp(tf.neg(tf.abs(logits))))
  )
}

/**
 * Loss of an instance head against its target planes ([B,H,W,3]: class 0/1/2, normalised
 * distance, touching-objects weight), every term weighted per pixel by the weight plane:
 * - boundary: 3-class cross-entropy (class-weighted) + soft Dice of the foreground (1 − p_bg);
 * - distance: 0.5·BCE + soft Dice of the foreground channel, + BCE of the distance channel;
 * - both: the 3-class terms + the distance term.
 */
export function instanceLoss(
  logits: tf.Tensor,
  target: tf.Tensor,
  o: InstanceLossOptions
): tf.Scalar {
  return tf.tidy(() => {
    const [cls, dist, weight] = tf.split(target, INSTANCE_PLANES, -1)
    const fg = tf.cast(tf.greater(cls, 0), 'float32')
    const terms: tf.Tensor[] = []
    if (o.separation === 'distance') {
      const [fgLogit, distLogit] = tf.split(logits, 2, -1)
      terms.push(tf.mul(weightedMean(bcePixels(fgLogit, fg), weight), 0.5))
      terms.push(softDice(tf.sigmoid(fgLogit), fg))
      terms.push(tf.mul(weightedMean(bcePixels(distLogit, dist), weight), o.distanceWeight ?? 1))
    } else {
      const [classLogits, distLogit] =
        o.separation === 'both' ? tf.split(logits, [3, 1], -1) : [logits, null]
      const logp = tf.logSoftmax(classLogits, -1)
      const oneHot = tf.oneHot(tf.cast(tf.squeeze(cls, [-1]), 'int32'), 3).toFloat()
      const nll = tf.neg(tf.sum(tf.mul(oneHot, logp), -1, true))
      const cw = o.classWeights ?? [1, 1, 1]
      const w = tf.mul(weight, tf.sum(tf.mul(oneHot, tf.tensor1d(cw)), -1, true))
      terms.push(weightedMean(nll, w))
      const pFg = tf.sub(1, tf.slice(tf.exp(logp), [0, 0, 0, 0], [-1, -1, -1, 1]))
      terms.push(softDice(pFg, fg))
      if (distLogit)
        terms.push(tf.mul(weightedMean(bcePixels(distLogit, dist), weight), o.distanceWeight ?? 1))
    }
    return tf.addN(terms) as tf.Scalar
  })
}

/**
 * Foreground class (0/1 int) of an instance head's logits, for pixel scores during training, as
 * post-processing takes it: P(foreground) > 0.5, or P(background) < 0.5 for the 3-class heads.
 */
export function instanceForegroundClass(logits: tf.Tensor, separation: Separation): tf.Tensor {
  return tf.tidy(() => {
    if (separation === 'distance') {
      const fgLogit = tf.slice(logits, [0, 0, 0, 0], [-1, -1, -1, 1])
      return tf.cast(tf.greater(tf.squeeze(fgLogit, [-1]), 0), 'int32')
    }
    const classLogits =
      separation === 'both' ? tf.slice(logits, [0, 0, 0, 0], [-1, -1, -1, 3]) : logits
    const pBg = tf.squeeze(tf.slice(tf.softmax(classLogits), [0, 0, 0, 0], [-1, -1, -1, 1]), [-1])
    return tf.cast(tf.less(pBg, 0.5), 'int32')
  })
}
