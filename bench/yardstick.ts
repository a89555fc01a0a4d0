/**
 * The yardstick U-Net (same architecture as torch_unet_peer.py and as the app trains) and timed
 * training steps / inference batches on the current backend.
 */
import { buildInferGraph } from '../src-main/engine/infer/infer-graph'
import { countTrainableParams, createModel } from '../src-main/engine/models'
import { createOptimizer } from '../src-main/engine/train/optimizer'
import { tf } from '../src-main/engine/backend/tf'

/** Settings shared with the PyTorch peer. */
export interface YardstickSettings {
  size: number
  base: number
  depth: number
  batch: number
  channels: number
  steps: number
}

/** The benchmark defaults (issue 4): 96x96x3, base 32, depth 4, batch 16. */
export const DEFAULT_YARDSTICK: YardstickSettings = {
  size: 96,
  base: 32,
  depth: 4,
  batch: 16,
  channels: 3,
  steps: 5
}

/** Trainable parameters PyTorch reports for base 32, depth 4, 3 channels, 1 class. */
export const PEER_PARAMS_BASE32_DEPTH4 = 7_852_545

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Builds the yardstick model through the app's own `createModel`. */
export function yardstickModel(s: YardstickSettings): { model: tf.LayersModel; params: number } {
  const model = createModel({
    arch: 'unet',
    channels: s.channels,
    classes: 1,
    base: s.base,
    depth: s.depth,
    batchNorm: true,
    dropout: 0,
    upsample: 'bilinear',
    deepSupervision: false,
    seed: 0
  })
  return { model, params: countTrainableParams(model) }
}

/** Timings of the yardstick; inference both through the inference graph and `model.predict`. */
export interface YardstickTimes {
  trainMs: number
  /** Inference batch through the inference graph (BN folded, ReLU fused), as the app predicts. */
  inferMs: number
  /** Inference batch through `model.predict` (separate BN and ReLU kernels). */
  predictMs: number
  trainAll: number[]
  inferAll: number[]
  predictAll: number[]
}

/** The seeded random batch (images and 0/1 masks) both the timings and the profile use. */
export function yardstickBatch(s: YardstickSettings): { x: tf.Tensor; y: tf.Tensor } {
  const x = tf.randomNormal([s.batch, s.size, s.size, s.channels], 0, 1, 'float32', 1)
  const y = tf
    .randomUniform([s.batch, s.size, s.size, 1], 0, 1, 'float32', 2)
    .greater(0.5)
    .toFloat()
  return { x, y }
}

/**
 * Median milliseconds of a training step and of an inference batch (inference graph and
 * `model.predict`, alternated), after one warm-up each.
 */
export async function timeYardstick(
  model: tf.LayersModel,
  s: YardstickSettings,
  onProgress: (line: string) => void = () => {}
): Promise<YardstickTimes> {
  const { x, y } = yardstickBatch(s)
  const optimizer = createOptimizer('adam', 1e-3)
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const step = async (): Promise<void> => {
    const loss = optimizer.minimize(
      () => tf.losses.sigmoidCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
      true,
      vars
    )
    await loss!.data()
    loss!.dispose()
  }
  const graph = buildInferGraph(model)
  if (graph === null) throw new Error('the yardstick model has no inference graph')
  const infer = async (viaGraph: boolean): Promise<number> => {
    const t = performance.now()
    const out = viaGraph ? graph.predict(x as tf.Tensor4D) : (model.predict(x) as tf.Tensor)
    await out.data()
    out.dispose()
    return performance.now() - t
  }
  const trainAll: number[] = []
  const inferAll: number[] = []
  for (let i = 0; i <= s.steps; i++) {
    const t = performance.now()
    await step()
    if (i > 0) trainAll.push(performance.now() - t)
    onProgress(`train step ${i}/${s.steps}: ${(performance.now() - t).toFixed(0)} ms`)
  }
  const predictAll: number[] = []
  for (let i = 0; i <= s.steps; i++) {
    const g = await infer(true)
    const p = await infer(false)
    if (i > 0) inferAll.push(g)
    if (i > 0) predictAll.push(p)
    onProgress(
      `inference batch ${i}/${s.steps}: ${g.toFixed(0)} ms (model.predict ${p.toFixed(0)})`
    )
  }
  graph.dispose()
  optimizer.dispose()
  tf.dispose([x, y])
  return {
    trainMs: median(trainAll),
    inferMs: median(inferAll),
    predictMs: median(predictAll),
    trainAll,
    inferAll,
    predictAll
  }
}
