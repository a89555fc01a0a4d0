import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { tf } from '../../../../src-main/engine/backend/tf'
import { Activation } from '../../../../src-main/engine/models/activation-layer'
import { BatchNorm } from '../../../../src-main/engine/models/batch-norm-layer'
import { maxAbs, maxAbsDiff, randomArray } from './compare'

/** Relative tolerance: closed-form gradient and one-pass statistics vs tfjs's moments chain. */
const TOL = 2e-5

/** x shapes; channels % 4 ≠ 0 keeps tfjs's own layer code on wasm too. */
const SHAPES = [
  [2, 5, 6, 8],
  [3, 4, 4, 32],
  [1, 7, 9, 4],
  [2, 3, 3, 6]
]

interface Result {
  name: string
  values: Float32Array
}

/**
 * A training-mode BatchNorm + ReLU on `backend`: output, gradients of Σ w·relu(bn(x)) for x,
 * gamma and beta, and the moving mean and variance after the call. x has an offset so the
 * statistics are not centred at zero. `fused`: the batch norm layer applies the ReLU (as
 * `fuseBatchNormRelu` sets it) and a ReLU layer follows it, as in our models.
 */
async function runOn(backend: 'wasm' | 'cpu', shape: number[], fused = false): Promise<Result[]> {
  // (Last result: tensors left behind, which must be as many as tfjs's own layer leaves.)
  await tf.setBackend(backend)
  const channels = shape[shape.length - 1]
  const size = shape.reduce((a, b) => a * b, 1)
  const layer = new BatchNorm({ momentum: 0.9, epsilon: 1e-5 })
  layer.reluAfter = fused
  const reluLayer = new Activation({ activation: 'relu' })
  const relu = (t: tf.Tensor) =>
    fused ? (reluLayer.apply(t, { training: true }) as tf.Tensor) : tf.relu(t)
  layer.build(shape)
  const [gamma, beta] = layer.trainableWeights
  gamma.write(tf.tensor(randomArray(channels, 3).map((v) => 1 + v / 2)))
  beta.write(tf.tensor(randomArray(channels, 4)))
  const x = tf.tensor(
    randomArray(size, 1).map((v, i) => 3 * v + (i % channels)),
    shape
  )
  const w = tf.tensor(randomArray(size, 2), shape)
  const before = tf.memory().numTensors
  const vars = [gamma.read(), beta.read()] as tf.Variable[]
  let out: tf.Tensor | null = null
  const dx = tf.grad((input: tf.Tensor) => {
    const y = relu(layer.apply(input, { training: true }) as tf.Tensor)
    return tf.sum(tf.mul(w, y))
  })(x)
  const { grads } = tf.variableGrads(() => {
    const y = relu(layer.apply(x, { training: true }) as tf.Tensor)
    out = tf.keep(y)
    return tf.sum(tf.mul(w, y)) as tf.Scalar
  }, vars)
  const moving = layer.getWeights().slice(2)
  const results: Result[] = [
    { name: 'y', values: (await out!.data()) as Float32Array },
    { name: 'dx', values: (await dx.data()) as Float32Array },
    { name: 'dgamma', values: (await grads[vars[0].name].data()) as Float32Array },
    { name: 'dbeta', values: (await grads[vars[1].name].data()) as Float32Array },
    { name: 'moving mean', values: (await moving[0].data()) as Float32Array },
    { name: 'moving variance', values: (await moving[1].data()) as Float32Array }
  ]
  tf.dispose([out!, dx, grads])
  const kept = tf.memory().numTensors - before
  layer.weights.forEach((v) => v.dispose())
  tf.dispose([x, w])
  return [...results, { name: 'tensors kept', values: Float32Array.of(kept) }]
}

describe('training-mode BatchNorm and ReLU on wasm', () => {
  beforeAll(async () => {
    expect((await initBackend('wasm')).name).toBe('wasm')
  })

  it.each([false, true])(
    'equals cpu (tfjs own layer and gradients), ReLU fused %s',
    async (fused) => {
      for (const shape of SHAPES) {
        const wasm = await runOn('wasm', shape, fused)
        const cpu = await runOn('cpu', shape)
        for (let i = 0; i < cpu.length; i++) {
          const diff = maxAbsDiff(wasm[i].values, cpu[i].values)
          expect({ shape, what: cpu[i].name, ok: diff <= TOL * maxAbs(cpu[i].values) }).toEqual({
            shape,
            what: cpu[i].name,
            ok: true
          })
        }
      }
    }
  )

  it('with the ReLU fused, runs one kernel forward and no ReLU kernel either way', async () => {
    await tf.setBackend('wasm')
    const layer = new BatchNorm({ epsilon: 1e-5 })
    layer.reluAfter = true
    const reluLayer = new Activation({ activation: 'relu' })
    const x = tf.tensor(randomArray(2 * 4 * 4 * 8, 7), [2, 4, 4, 8])
    const forward = (t: tf.Tensor) =>
      tf.sum(reluLayer.apply(layer.apply(t, { training: true }), { training: true }) as tf.Tensor)
    const info = await tf.profile(() => tf.grad(forward)(x))
    const names = info.kernels.map((k) => k.name)
    expect(names.filter((n) => n === 'BatchNormTrain').length).toBe(1)
    expect(names).toContain('BatchNormTrainGrad')
    expect(names.filter((n) => n.startsWith('Relu'))).toEqual([])
    const inference = await tf.profile(() => reluLayer.apply(layer.apply(x), {}) as tf.Tensor)
    expect(inference.kernels.map((k) => k.name)).toContain('Relu')
    layer.weights.forEach((v) => v.dispose())
    x.dispose()
  })

  it('runs the fused kernel on wasm (one BatchNormTrain, no moments chain)', async () => {
    await tf.setBackend('wasm')
    const layer = new BatchNorm({ epsilon: 1e-5 })
    const x = tf.tensor(randomArray(2 * 4 * 4 * 8, 7), [2, 4, 4, 8])
    const info = await tf.profile(() => layer.apply(x, { training: true }) as tf.Tensor)
    const names = info.kernels.map((k) => k.name)
    expect(names).toContain('BatchNormTrain')
    expect(names).not.toContain('Square')
    layer.weights.forEach((v) => v.dispose())
    x.dispose()
  })

  it('ReLU and its gradient from the output equal cpu exactly', async () => {
    const values = randomArray(4 * 5 * 7 + 3, 9)
    values[3] = 0
    const run = async (backend: 'wasm' | 'cpu') => {
      await tf.setBackend(backend)
      const x = tf.tensor(values)
      const dy = tf.tensor(randomArray(values.length, 10))
      const { value, grad } = tf.valueAndGrad((t: tf.Tensor) => tf.sum(tf.mul(dy, tf.relu(t))))(x)
      const r = [await tf.relu(x).data(), await grad.data(), await value.data()]
      tf.dispose([x, dy, value, grad])
      return r as Float32Array[]
    }
    const [wasm, cpu] = [await run('wasm'), await run('cpu')]
    for (let i = 0; i < 2; i++) expect(maxAbsDiff(wasm[i], cpu[i])).toBe(0)
  })
})
