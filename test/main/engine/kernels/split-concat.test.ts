import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { tf } from '../../../../src-main/engine/backend/tf'
import { randomArray } from './compare'

/** Runs `f` on `backend` with fresh tensors; returns every output's shape and values. */
async function outputsOn(
  backend: 'wasm' | 'cpu',
  shapes: number[][],
  f: (xs: tf.Tensor[]) => tf.Tensor[]
): Promise<{ shapes: number[][]; values: number[][]; leaked: number }> {
  await tf.setBackend(backend)
  const xs = shapes.map((s, i) =>
    tf.tensor(
      randomArray(
        s.reduce((a, b) => a * b, 1),
        7 + i
      ),
      s
    )
  )
  const before = tf.memory().numTensors
  const dataBefore = tf.engine().backend.numDataIds()
  const outs = f(xs)
  const values = await Promise.all(outs.map(async (o) => Array.from(await o.data())))
  const result = { shapes: outs.map((o) => o.shape), values }
  tf.dispose(outs)
  const leaked = tf.memory().numTensors - before + (tf.engine().backend.numDataIds() - dataBefore)
  tf.dispose(xs)
  return { ...result, leaked }
}

const SPLITS: { shape: number[]; splits: number | number[]; axis: number }[] = [
  { shape: [2, 6, 5, 96], splits: [32, 64], axis: 3 },
  { shape: [2, 6, 5, 12], splits: [5, -1, 3], axis: -1 },
  { shape: [2, 6, 5, 8], splits: 4, axis: 3 },
  { shape: [2, 6, 5, 8], splits: [2, 0, 4], axis: 1 },
  { shape: [4, 3, 2], splits: [1, 3], axis: 0 },
  { shape: [7], splits: [3, 4], axis: 0 }
]

const CONCATS: { shapes: number[][]; axis: number }[] = [
  {
    shapes: [
      [2, 6, 5, 32],
      [2, 6, 5, 64]
    ],
    axis: 3
  },
  {
    shapes: [
      [2, 3, 3, 1],
      [2, 3, 3, 5],
      [2, 3, 3, 2]
    ],
    axis: -1
  },
  {
    shapes: [
      [2, 4, 3],
      [2, 1, 3]
    ],
    axis: 1
  },
  {
    shapes: [
      [1, 4],
      [3, 4]
    ],
    axis: 0
  }
]

describe('wasm SplitV and Concat', () => {
  beforeAll(async () => {
    expect((await initBackend('wasm')).name).toBe('wasm')
  })

  it.each(SPLITS)('SplitV equals cpu for $shape into $splits on axis $axis', async (c) => {
    const f = (xs: tf.Tensor[]) => tf.split(xs[0], c.splits, c.axis)
    const wasm = await outputsOn('wasm', [c.shape], f)
    const cpu = await outputsOn('cpu', [c.shape], f)
    expect(wasm.shapes).toEqual(cpu.shapes)
    expect(wasm.values).toEqual(cpu.values)
    expect(wasm.leaked).toBe(0)
  })

  it.each(CONCATS)('Concat equals cpu for $shapes on axis $axis', async (c) => {
    const f = (xs: tf.Tensor[]) => [tf.concat(xs, c.axis)]
    const wasm = await outputsOn('wasm', c.shapes, f)
    const cpu = await outputsOn('cpu', c.shapes, f)
    expect(wasm.shapes).toEqual(cpu.shapes)
    expect(wasm.values).toEqual(cpu.values)
    expect(wasm.leaked).toBe(0)
  })

  it('the concat gradient (SplitV) equals cpu', async () => {
    const shapes = [
      [2, 4, 4, 3],
      [2, 4, 4, 5]
    ]
    const f = (xs: tf.Tensor[]) => {
      const w = tf.tensor(randomArray(8, 5), [8])
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.concat([a, b], 3), w)))
      const out = g(xs)
      w.dispose()
      return out
    }
    const wasm = await outputsOn('wasm', shapes, f)
    const cpu = await outputsOn('cpu', shapes, f)
    expect(wasm.values).toEqual(cpu.values)
  })
})
