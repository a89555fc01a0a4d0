import { tf } from './tf'

/** Optimizer kinds offered for training. */
export type OptimizerKind = 'adam' | 'sgd' | 'rmsprop'

/** Create Adam, SGD with momentum, or RMSprop. */
export function createOptimizer(kind: OptimizerKind, lr: number, momentum = 0.9): tf.Optimizer {
  if (kind === 'adam') return tf.train.adam(lr)
  if (kind === 'sgd') return tf.train.momentum(lr, momentum)
  if (kind === 'rmsprop') return tf.train.rmsprop(lr)
  throw new Error(`unknown optimizer "${String(kind)}"`)
}

/** Change the learning rate of an existing optimizer (between steps). */
export function setLearningRate(opt: tf.Optimizer, lr: number): void {
  const o = opt as unknown as { learningRate: number; setLearningRate?: (lr: number) => void }
  if (o.setLearningRate) o.setLearningRate(lr)
  else o.learningRate = lr
}

/** Optimizer slots (moments, iteration count) encoded as bytes plus weight specs. */
export interface OptimizerState {
  specs: tf.io.WeightsManifestEntry[]
  data: ArrayBuffer
}

/** Snapshot the optimizer's internal state. */
export async function saveOptimizerState(opt: tf.Optimizer): Promise<OptimizerState> {
  const weights = await opt.getWeights()
  const encoded = await tf.io.encodeWeights(weights)
  const iterations = weights.find((w) => w.name === 'iter')
  iterations?.tensor.dispose()
  const data = encoded.data as ArrayBuffer
  return { specs: encoded.specs, data }
}

/** Restore a snapshot taken by {@link saveOptimizerState} into a fresh optimizer of the same kind. */
export async function loadOptimizerState(opt: tf.Optimizer, state: OptimizerState): Promise<void> {
  const map = tf.io.decodeWeights(state.data, state.specs)
  const named = state.specs.map((s) => ({ name: s.name, tensor: map[s.name] }))
  await opt.setWeights(named)
  for (const t of Object.values(map)) t.dispose()
}
