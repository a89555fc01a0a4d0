/** Pixel confusion counts for C classes: `counts[truth * C + pred]`. */
export interface Confusion {
  classes: number
  counts: Float64Array
}

/** Per-class and summary segmentation scores. */
export interface Scores {
  iou: number[]
  dice: number[]
  /** Whether each class occurs in the truth or the prediction (its IoU means something). */
  present: boolean[]
  /** Mean IoU over classes present in truth or prediction (background included for multi-class). */
  meanIou: number
  /** Foreground IoU / Dice for binary (class 1); mean IoU / mean Dice for multi-class. */
  mainIou: number
  mainDice: number
}

/** An empty confusion matrix; binary segmentation uses 2 classes. */
export function createConfusion(classes: number): Confusion {
  const c = Math.max(2, classes)
  return { classes: c, counts: new Float64Array(c * c) }
}

/** Add a prediction/truth pair of class-index maps; truth pixels equal to `ignore` are skipped. */
export function accumulate(
  conf: Confusion,
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  ignore = -1
): Confusion {
  if (pred.length !== truth.length)
    throw new Error(`prediction has ${pred.length} pixels, truth ${truth.length}`)
  const c = conf.classes
  for (let i = 0; i < pred.length; i++) {
    const t = truth[i]
    if (t === ignore || t < 0 || t >= c) continue
    conf.counts[t * c + Math.min(c - 1, Math.max(0, pred[i]))]++
  }
  return conf
}

/** IoU = TP/(TP+FP+FN) and Dice = 2TP/(2TP+FP+FN) per class (1 when a class is absent from both). */
export function scores(conf: Confusion): Scores {
  const c = conf.classes
  const iou: number[] = []
  const dice: number[] = []
  const present: number[] = []
  for (let k = 0; k < c; k++) {
    let fp = 0
    let fn = 0
    const tp = conf.counts[k * c + k]
    for (let j = 0; j < c; j++) {
      if (j === k) continue
      fn += conf.counts[k * c + j]
      fp += conf.counts[j * c + k]
    }
    const denom = tp + fp + fn
    iou.push(denom === 0 ? 1 : tp / denom)
    dice.push(denom === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn))
    if (denom > 0) present.push(k)
  }
  const mean = (xs: number[]) =>
    present.length ? present.reduce((s, k) => s + xs[k], 0) / present.length : 1
  const binary = c === 2
  return {
    iou,
    dice,
    present: iou.map((_, k) => present.includes(k)),
    meanIou: mean(iou),
    mainIou: binary ? iou[1] : mean(iou),
    mainDice: binary ? dice[1] : mean(dice)
  }
}

/** Class map from logits laid out [pixels, C] (C = 1: logit > 0). */
export function logitsToClasses(logits: Float32Array, classes: number): Uint8Array {
  if (classes === 1) return Uint8Array.from(logits, (v) => (v > 0 ? 1 : 0))
  const n = logits.length / classes
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    let best = 0
    for (let k = 1; k < classes; k++)
      if (logits[i * classes + k] > logits[i * classes + best]) best = k
    out[i] = best
  }
  return out
}

/**
 * Median-frequency class weights (SegNet): weight_c = median(freq) / freq_c over the pixels of the
 * given labels, ignoring `ignore`; classes that never occur get weight 0.
 */
export function medianFrequencyWeights(
  labels: Uint8Array[],
  classes: number,
  ignore = -1
): number[] {
  const counts = new Float64Array(classes)
  for (const label of labels) for (const v of label) if (v !== ignore && v < classes) counts[v]++
  const total = counts.reduce((a, b) => a + b, 0) || 1
  const freq = Array.from(counts, (c) => c / total)
  const present = freq.filter((f) => f > 0).sort((a, b) => a - b)
  const mid =
    present.length % 2
      ? present[(present.length - 1) / 2]
      : (present[present.length / 2 - 1] + present[present.length / 2]) / 2
  return freq.map((f) => (f > 0 ? mid / f : 0))
}
