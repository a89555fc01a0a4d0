/** Object-level agreement between a ground-truth and a predicted instance map. */
export interface InstanceMetrics {
  /** Matched pairs (IoU above the threshold, one-to-one). */
  tp: number
  /** Predicted objects without a match. */
  fp: number
  /** Ground-truth objects without a match. */
  fn: number
  precision: number
  recall: number
  /** 2·TP / (2·TP + FP + FN); 1 when both maps are empty. */
  f1: number
  /** DSB2018 average precision at this threshold: TP / (TP + FP + FN). */
  ap: number
  /** Pixel IoU of the foregrounds. */
  pixelIou: number
  /** Mean IoU of the matched pairs. */
  meanMatchedIou: number
}

/**
 * Match ground-truth and predicted objects one-to-one and count TP/FP/FN: a pair matches when its
 * IoU is strictly above `iouThreshold`, as in the DSB2018 scorer (above 0.5 a match is unique;
 * lower thresholds are matched greedily by decreasing IoU).
 */
export function instanceMetrics(
  gt: ArrayLike<number>,
  pred: ArrayLike<number>,
  width: number,
  height: number,
  iouThreshold = 0.5
): InstanceMetrics {
  const n = width * height
  if (gt.length !== n || pred.length !== n) {
    throw new Error(
      `label maps must hold ${width}x${height} pixels (got ${gt.length}, ${pred.length})`
    )
  }
  const gtArea = new Map<number, number>()
  const predArea = new Map<number, number>()
  const inter = new Map<number, number>()
  let union = 0
  let both = 0
  let maxPred = 0
  for (let i = 0; i < n; i++) if (pred[i] > maxPred) maxPred = pred[i]
  const stride = maxPred + 1
  for (let i = 0; i < n; i++) {
    const g = gt[i]
    const p = pred[i]
    if (g) gtArea.set(g, (gtArea.get(g) ?? 0) + 1)
    if (p) predArea.set(p, (predArea.get(p) ?? 0) + 1)
    if (g || p) union++
    if (g && p) {
      both++
      const key = g * stride + p
      inter.set(key, (inter.get(key) ?? 0) + 1)
    }
  }
  const pairs: { g: number; p: number; iou: number }[] = []
  for (const [key, count] of inter) {
    const g = Math.floor(key / stride)
    const p = key - g * stride
    const iou = count / (gtArea.get(g)! + predArea.get(p)! - count)
    if (iou > iouThreshold) pairs.push({ g, p, iou })
  }
  pairs.sort((a, b) => b.iou - a.iou)
  const usedG = new Set<number>()
  const usedP = new Set<number>()
  let iouSum = 0
  for (const { g, p, iou } of pairs) {
    if (usedG.has(g) || usedP.has(p)) continue
    usedG.add(g)
    usedP.add(p)
    iouSum += iou
  }
  const tp = usedG.size
  const fp = predArea.size - tp
  const fn = gtArea.size - tp
  const ratio = (a: number, b: number): number => (b === 0 ? 1 : a / b)
  return {
    tp,
    fp,
    fn,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    ap: ratio(tp, tp + fp + fn),
    pixelIou: ratio(both, union),
    meanMatchedIou: tp === 0 ? 0 : iouSum / tp
  }
}
