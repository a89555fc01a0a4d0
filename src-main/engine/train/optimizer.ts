import { FUSED_ADAM, fusedAdamAvailable, type FusedAdamAttrs } from '../kernels/adam-update'
import { tf } from '../backend/tf'

/** Optimizer kinds offered for training. */
export type OptimizerKind = 'adam' | 'sgd' | 'rmsprop'

type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0]
type Slot = { originalName: string; variable: tf.Variable }

/** The parts of tfjs's AdamOptimizer that are not public in its typings. */
interface AdamInternals {
  accumulatedFirstMoment: Slot[]
  accumulatedSecondMoment: Slot[]
  accBeta1: tf.Variable
  accBeta2: tf.Variable
  incrementIterations(): void
}

/**
 * tfjs's Adam (same maths, slots, state save/restore and class name) whose update runs as one
 * `FusedAdam` kernel per variable where it can (wasm with our SIMD module), instead of 14
 * element-wise ops; elsewhere tfjs's own update runs.
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  /** Adam with tfjs's defaults: β₁ 0.9, β₂ 0.999, ε the backend's epsilon. */
  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon?: number) {
    super(learningRate, beta1, beta2, epsilon)
  }

  override applyGradients(grads: Gradients): void {
    if (!fusedAdamAvailable()) {
      super.applyGradients(grads)
      return
    }
    const self = this as unknown as AdamInternals
    const names = Array.isArray(grads) ? grads.map((g) => g.name) : Object.keys(grads)
    tf.tidy(() => {
      const attrs: FusedAdamAttrs = {
        learningRate: this.learningRate,
        beta1: this.beta1,
        beta2: this.beta2,
        epsilon: this.epsilon,
        accBeta1: self.accBeta1.dataSync()[0],
        accBeta2: self.accBeta2.dataSync()[0]
      }
      names.forEach((name, i) => {
        const x = tf.engine().registeredVariables[name]
        const slot = (suffix: string): Slot => ({
          originalName: `${name}/${suffix}`,
          variable: tf.tidy(() => tf.zerosLike(x).variable(false))
        })
        self.accumulatedFirstMoment[i] ??= slot('m')
        self.accumulatedSecondMoment[i] ??= slot('v')
        const g = Array.isArray(grads) ? grads[i].tensor : grads[name]
        if (g == null) return
        const m = self.accumulatedFirstMoment[i].variable
        const v = self.accumulatedSecondMoment[i].variable
        const inputs = { x, m, v, g }
        const [nx, nm, nv] = tf.engine().runKernel(FUSED_ADAM, inputs, { ...attrs }) as tf.Tensor[]
        m.assign(nm)
        v.assign(nv)
        x.assign(nx)
      })
      self.accBeta1.assign(tf.mul(self.accBeta1, this.beta1))
      self.accBeta2.assign(tf.mul(self.accBeta2, this.beta2))
    })
    self.incrementIterations()
  }
}

/** Create Adam, SGD with momentum, or RMSprop. */
export function createOptimizer(kind: OptimizerKind, lr: number, momentum = 0.9): tf.Optimizer {
  if (kind === 'adam') return new FusedAdamOptimizer(lr)
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
