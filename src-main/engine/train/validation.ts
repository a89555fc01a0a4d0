import { batchTensors, logitsToClassTensor, makeBatch } from './batches'
import { buildInferGraph } from '../infer/infer-graph'
import { computeLoss, type LossOptions } from './losses'
import { accumulate, createConfusion, scores } from '../metrics'
import { inferenceView } from '../models'
import type { LoadedSample, PatchRef } from './samples'
import { tf } from '../backend/tf'

/** A validation image, its label and the model's prediction, as small typed arrays. */
export interface Preview {
  id: string
  width: number
  height: number
  channels: number
  /** 0..255 pixels, HWC. */
  image: Uint8Array
  label: Uint8Array
  pred: Uint8Array
}

/** Validation loss and scores over tiles, plus previews of the first `previews` tiles. */
export interface ValResult {
  loss: number
  iou: number
  dice: number
  /** IoU of each class (NaN for a class absent from both labels and predictions). */
  perClassIou: number[]
  previews: Preview[]
}

/** The last output of a (possibly deeply supervised) model in inference mode. */
export function forward(model: tf.LayersModel, xs: tf.Tensor, training = false): tf.Tensor {
  const out = model.apply(xs, { training }) as tf.Tensor | tf.Tensor[]
  return Array.isArray(out) ? out[out.length - 1] : out
}

/**
 * Run the model over validation tiles (no augmentation, no weight updates), through the inference
 * graph (BN folded, filters transformed once) when the model has one, as prediction does.
 */
export function validate(
  model: tf.LayersModel,
  samples: LoadedSample[],
  refs: PatchRef[],
  size: number,
  batch: number,
  lossOpts: LossOptions,
  previews: number
): ValResult {
  const conf = createConfusion(lossOpts.classes)
  const out: Preview[] = []
  let lossSum = 0
  const graph = buildInferGraph(inferenceView(model))
  try {
    for (let i = 0; i < refs.length; i += batch) {
      const chunk = refs.slice(i, i + batch)
      const hb = makeBatch(samples, chunk, size, lossOpts.classes, null, null)
      const [loss, classes] = tf.tidy(() => {
        const { xs, ys } = batchTensors(hb)
        const logits = graph ? graph.predict(xs) : forward(model, xs)
        return [computeLoss(logits, ys, lossOpts), logitsToClassTensor(logits, lossOpts)]
      })
      lossSum += (loss.dataSync()[0] ?? 0) * chunk.length
      const pred = classes.dataSync() as Int32Array
      loss.dispose()
      classes.dispose()
      accumulate(conf, pred, hb.y, lossOpts.ignoreIndex ?? -1)
      const plane = size * size
      for (let k = 0; k < chunk.length && out.length < previews; k++) {
        if (out.some((o) => o.id === samples[chunk[k].sample].id)) continue
        const p = hb.patches[k]
        out.push({
          id: samples[chunk[k].sample].id,
          width: size,
          height: size,
          channels: p.channels,
          image: Uint8Array.from(p.image, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255)),
          label: p.label.slice(),
          pred: Uint8Array.from(pred.subarray(k * plane, (k + 1) * plane))
        })
      }
    }
  } finally {
    graph?.dispose()
  }
  const s = scores(conf)
  return {
    loss: refs.length ? lossSum / refs.length : 0,
    iou: s.mainIou,
    dice: s.mainDice,
    perClassIou: s.iou.map((v, k) => (s.present[k] ? v : NaN)),
    previews: out
  }
}
