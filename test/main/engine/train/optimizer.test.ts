import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import {
  FusedAdamOptimizer,
  createOptimizer,
  loadOptimizerState,
  saveOptimizerState
} from '../../../../src-main/engine/train/optimizer'
import { fusedAdamAvailable } from '../../../../src-main/engine/kernels/adam-update'
import { tf } from '../../../../src-main/engine/backend/tf'
import { randomArray } from '../kernels/compare'

const SHAPES = [[3, 3, 4, 8], [8], [5, 7], [1]]

/** Variables with fixed start values; gradients of step `k` are fixed too. */
function variables(): tf.Variable[] {
  return SHAPES.map((s, i) => tf.variable(tf.tensor(randomArray(size(s), 20 + i), s)))
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1)
}

function gradsFor(vars: tf.Variable[], step: number): { name: string; tensor: tf.Tensor }[] {
  return vars.map((v, i) => {
    const g = randomArray(size(v.shape), 100 * step + i).map((x) => x * 10 ** ((i % 3) - 2))
    return { name: v.name, tensor: tf.tensor(g, v.shape) }
  })
}

/** Runs `steps` Adam steps (restarting the optimizer from saved state after `resumeAt`). */
async function run(
  backend: 'wasm' | 'cpu',
  make: () => tf.Optimizer,
  steps: number,
  resumeAt = -1
): Promise<{ values: number[][]; leaked: number }> {
  await tf.setBackend(backend)
  const vars = variables()
  const before = tf.memory().numTensors
  let opt = make()
  for (let k = 0; k < steps; k++) {
    if (k === resumeAt) {
      const state = await saveOptimizerState(opt)
      opt.dispose()
      opt = make()
      await loadOptimizerState(opt, state)
    }
    const grads = gradsFor(vars, k)
    opt.applyGradients(grads)
    tf.dispose(grads.map((g) => g.tensor))
  }
  opt.dispose()
  const leaked = tf.memory().numTensors - before
  const values = await Promise.all(vars.map(async (v) => Array.from(await v.data())))
  tf.dispose(vars)
  return { values, leaked }
}

const fused = () => new FusedAdamOptimizer(0.01)
const plain = () => tf.train.adam(0.01)

describe('FusedAdamOptimizer', () => {
  beforeAll(async () => {
    expect((await initBackend('wasm')).name).toBe('wasm')
  })

  it('is what createOptimizer makes for adam, with its kernel on wasm', async () => {
    await tf.setBackend('wasm')
    expect(fusedAdamAvailable()).toBe(true)
    await tf.setBackend('cpu')
    expect(fusedAdamAvailable()).toBe(false)
    const opt = createOptimizer('adam', 1e-3)
    expect(opt).toBeInstanceOf(FusedAdamOptimizer)
    opt.dispose()
  })

  it('equals tf.train.adam bit for bit on wasm (fused kernel) and cpu (fallback)', async () => {
    const reference = await run('cpu', plain, 4)
    const wasmPlain = await run('wasm', plain, 4)
    const wasmFused = await run('wasm', fused, 4)
    const cpuFused = await run('cpu', fused, 4)
    expect(wasmPlain.values).toEqual(reference.values)
    expect(wasmFused.values).toEqual(reference.values)
    expect(cpuFused.values).toEqual(reference.values)
    expect(wasmFused.leaked).toBe(0)
    expect(cpuFused.leaked).toBe(0)
  })

  it('saves and restores its state like tf.train.adam (resume)', async () => {
    const reference = await run('cpu', plain, 5)
    expect((await run('wasm', fused, 5, 3)).values).toEqual(reference.values)
    await tf.setBackend('wasm')
    const opt = fused()
    const vars = variables()
    const grads = gradsFor(vars, 0)
    opt.applyGradients(grads)
    const state = await saveOptimizerState(opt)
    expect(state.specs.map((s) => s.name)).toEqual([
      'iter',
      ...vars.map((v) => `${v.name}/m`),
      ...vars.map((v) => `${v.name}/v`)
    ])
    const into = plain()
    await loadOptimizerState(into, state)
    expect(into.iterations).toBe(1)
    tf.dispose([...vars, ...grads.map((g) => g.tensor)])
    opt.dispose()
    into.dispose()
  })
})
