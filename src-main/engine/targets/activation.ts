import { tf } from '../backend/tf'
import type { Activation } from './target-kind'

export type { Activation } from './target-kind'

/**
 * Probabilities from a head's raw outputs: sigmoid per channel, softmax over channels, softmax
 * over all channels but the last plus a sigmoid on the last (instances by both), or as they are.
 */
export function activate(logits: tf.Tensor, activation: Activation): tf.Tensor {
  return tf.tidy(() => {
    if (activation === 'sigmoid') return tf.sigmoid(logits)
    if (activation === 'softmax') return tf.softmax(logits)
    if (activation === 'none') return tf.clone(logits)
    const c = logits.shape[logits.shape.length - 1]!
    const [classLogits, last] = tf.split(logits, [c - 1, 1], -1)
    return tf.concat([tf.softmax(classLogits), tf.sigmoid(last)], -1)
  })
}
