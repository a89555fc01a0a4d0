import { tf } from '../backend/tf'
import { DICE_SMOOTH } from '../constants'
import { instanceLoss, type InstanceLossOptions } from '../targets/instance-loss'

/** Which loss to use and its options. */
export interface LossOptions {
  loss: 'bce' | 'dice' | 'bce-dice' | 'focal' | 'ce'
  /** 1 = binary logits [B,H,W,1] vs float labels {0,1}; C >= 2 = logits [B,H,W,C] vs int labels. */
  classes: number
  /** Per-class weights ([background, foreground] for binary). */
  classWeights?: number[]
  /** Label value ignored by multi-class losses (e.g. CamVid's 11); -1 = none. */
  ignoreIndex?: number
  focalGamma?: number
  /** Set for instance targets: the labels are the target planes and this loss replaces `loss`. */
  instances?: InstanceLossOptions
}

/** Weighted mean: sum(w * l) / sum(w) (plain mean without weights). */
function weightedMean(l: tf.Tensor, w: tf.Tensor | null): tf.Scalar {
  if (!w) return tf.mean(l) as tf.Scalar
  return tf.div(tf.sum(tf.mul(l, w)), tf.maximum(tf.sum(w), 1e-12)) as tf.Scalar
}

/** Per-pixel binary cross-entropy on logits, stable form max(x,0) - x*y + log(1 + e^-|x|). */
function bcePixels(logits: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.add(
    tf.sub(tf.relu(logits), tf.mul(logits, y)),
    tf.log1p(tf.exp(tf.neg(tf.abs(logits))))
  )
}

/** Per-pixel binary weights from [w0, w1], or null. */
function binaryWeights(y: tf.Tensor, weights?: number[]): tf.Tensor | null {
  if (!weights) return null
  return tf.add(tf.mul(tf.sub(1, y), weights[0]), tf.mul(y, weights[1]))
}

/** Binary cross-entropy with logits, averaged over pixels (class-weighted if asked). */
export function bceLoss(logits: tf.Tensor, y: tf.Tensor, weights?: number[]): tf.Scalar {
  return tf.tidy(() => weightedMean(bcePixels(logits, y), binaryWeights(y, weights)))
}

/** Soft Dice loss on sigmoid probabilities over the whole batch: 1 - (2|P∩Y|+s)/(|P|+|Y|+s). */
export function diceLoss(logits: tf.Tensor, y: tf.Tensor, smooth = DICE_SMOOTH): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.sigmoid(logits)
    const inter = tf.sum(tf.mul(p, y))
    return tf.sub(
      1,
      tf.div(tf.add(tf.mul(inter, 2), smooth), tf.add(tf.add(tf.sum(p), tf.sum(y)), smooth))
    ) as tf.Scalar
  })
}

/** 0.5 * BCE + Dice (the UNet++ reference recipe). */
export function bceDiceLoss(logits: tf.Tensor, y: tf.Tensor, weights?: number[]): tf.Scalar {
  return tf.tidy(
    () => tf.add(tf.mul(bceLoss(logits, y, weights), 0.5), diceLoss(logits, y)) as tf.Scalar
  )
}

/** Binary focal loss: (1 - p_t)^gamma * BCE, averaged over pixels. */
export function focalLoss(
  logits: tf.Tensor,
  y: tf.Tensor,
  gamma = 2,
  weights?: number[]
): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.sigmoid(logits)
    const pt = tf.add(tf.mul(p, y), tf.mul(tf.sub(1, p), tf.sub(1, y)))
    const l = tf.mul(tf.pow(tf.sub(1, pt), gamma), bcePixels(logits, y))
    return weightedMean(l, binaryWeights(y, weights))
  })
}

/** One-hot targets, per-pixel weight (0 on ignored pixels) and log-probabilities for multi-class. */
function multiParts(logits: tf.Tensor, labels: tf.Tensor, o: LossOptions) {
  const c = o.classes
  const lab = tf.cast(labels, 'int32')
  const valid =
    o.ignoreIndex != null && o.ignoreIndex >= 0
      ? tf.cast(tf.notEqual(lab, o.ignoreIndex), 'float32')
      : tf.onesLike(lab).toFloat()
  const oneHot = tf
    .oneHot(tf.clipByValue(lab, 0, c - 1).flatten(), c)
    .reshape([...lab.shape, c])
    .toFloat()
  let w = valid
  if (o.classWeights) w = tf.mul(valid, tf.sum(tf.mul(oneHot, tf.tensor1d(o.classWeights)), -1))
  return { oneHot, valid, w, logp: tf.logSoftmax(logits, -1) }
}

/** Softmax cross-entropy over class-index labels [B,H,W], skipping the ignore index. */
export function crossEntropyLoss(logits: tf.Tensor, labels: tf.Tensor, o: LossOptions): tf.Scalar {
  return tf.tidy(() => {
    const { oneHot, w, logp } = multiParts(logits, labels, o)
    const nll = tf.neg(tf.sum(tf.mul(oneHot, logp), -1))
    return tf.div(tf.sum(tf.mul(nll, w)), tf.maximum(tf.sum(w), 1e-12)) as tf.Scalar
  })
}

/** Multi-class focal loss: (1 - p_t)^gamma * CE, skipping the ignore index. */
export function multiFocalLoss(logits: tf.Tensor, labels: tf.Tensor, o: LossOptions): tf.Scalar {
  return tf.tidy(() => {
    const { oneHot, w, logp } = multiParts(logits, labels, o)
    const logpt = tf.sum(tf.mul(oneHot, logp), -1)
    const l = tf.mul(tf.pow(tf.sub(1, tf.exp(logpt)), o.focalGamma ?? 2), tf.neg(logpt))
    return tf.div(tf.sum(tf.mul(l, w)), tf.maximum(tf.sum(w), 1e-12)) as tf.Scalar
  })
}

/** Multi-class soft Dice loss: 1 - mean over classes of the soft Dice (ignored pixels excluded). */
export function multiDiceLoss(logits: tf.Tensor, labels: tf.Tensor, o: LossOptions): tf.Scalar {
  return tf.tidy(() => {
    const { oneHot, valid } = multiParts(logits, labels, o)
    const v = tf.expandDims(valid, -1)
    const p = tf.mul(tf.softmax(logits, -1), v)
    const y = tf.mul(oneHot, v)
    const axes = [0, 1, 2]
    const inter = tf.sum(tf.mul(p, y), axes)
    const dice = tf.div(
      tf.add(tf.mul(inter, 2), DICE_SMOOTH),
      tf.add(tf.add(tf.sum(p, axes), tf.sum(y, axes)), DICE_SMOOTH)
    )
    return tf.sub(1, tf.mean(dice)) as tf.Scalar
  })
}

/**
 * The configured loss of logits against labels (float {0,1} [B,H,W,1], int [B,H,W], or the
 * instance target planes [B,H,W,3]).
 */
export function computeLoss(logits: tf.Tensor, labels: tf.Tensor, o: LossOptions): tf.Scalar {
  if (o.instances) return instanceLoss(logits, labels, o.instances)
  if (o.classes === 1) {
    if (o.loss === 'bce') return bceLoss(logits, labels, o.classWeights)
    if (o.loss === 'dice') return diceLoss(logits, labels)
    if (o.loss === 'bce-dice') return bceDiceLoss(logits, labels, o.classWeights)
    if (o.loss === 'focal') return focalLoss(logits, labels, o.focalGamma, o.classWeights)
    throw new Error(`loss "${o.loss}" is not available for binary segmentation`)
  }
  if (o.loss === 'ce') return crossEntropyLoss(logits, labels, o)
  if (o.loss === 'focal') return multiFocalLoss(logits, labels, o)
  if (o.loss === 'dice') return multiDiceLoss(logits, labels, o)
  throw new Error(`loss "${o.loss}" is not available for ${o.classes} classes`)
}
