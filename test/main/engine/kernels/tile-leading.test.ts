import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { tilesLeading } from '../../../../src-main/engine/kernels/tile-leading'
import { tf } from '../../../../src-main/engine/backend/tf'
import { randomArray, runKernelOn } from './compare'

const TILES: [number[], number[]][] = [
  [
    [1, 1, 1, 8],
    [2, 3, 4, 1]
  ],
  [
    [1, 5],
    [7, 1]
  ],
  [
    [1, 1],
    [3, 4]
  ],
  [
    [1, 3, 2],
    [5, 1, 1]
  ],
  [
    [2, 3],
    [2, 1]
  ],
  [
    [1, 3, 2],
    [2, 2, 1]
  ]
]

/** d mean(x · w) / dx on `backend` (w fixed), with the mean over `axes`. */
async function meanGradOn(backend: 'wasm' | 'cpu', shape: number[], axes: number[]) {
  await tf.setBackend(backend)
  const size = shape.reduce((a, b) => a * b, 1)
  const x = tf.tensor(randomArray(size, 1), shape)
  const w = tf.tensor(randomArray(size, 2), shape)
  const before = tf.memory().numTensors
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.mean(tf.mul(t, w), axes, true), 3)))(x)
  const values = Array.from(await g.data())
  g.dispose()
  const leaked = tf.memory().numTensors - before
  tf.dispose([x, w])
  return { values, leaked }
}

describe('wasm Tile over leading axes and the Mean gradient', () => {
  beforeAll(async () => {
    expect((await initBackend('wasm')).name).toBe('wasm')
  })

  it('recognises tilings of leading size-1 axes only', () => {
    expect(tilesLeading([1, 1, 1, 8], [2, 3, 4, 1])).toBe(true)
    expect(tilesLeading([1, 1], [3, 4])).toBe(true)
    expect(tilesLeading([2, 3], [2, 1])).toBe(false)
    expect(tilesLeading([1, 3, 2], [2, 2, 1])).toBe(false)
    expect(tilesLeading([1, 3], [2])).toBe(false)
  })

  it.each(TILES)('Tile equals cpu for %j by %j', async (shape, reps) => {
    const size = shape.reduce((a, b) => a * b, 1)
    const inputs = { x: { shape, values: randomArray(size, 5) } }
    const wasm = await runKernelOn('wasm', 'Tile', inputs, { reps })
    const cpu = await runKernelOn('cpu', 'Tile', inputs, { reps })
    expect(wasm.shape).toEqual(cpu.shape)
    expect(Array.from(wasm.values)).toEqual(Array.from(cpu.values))
    expect(wasm.leaked).toBe(0)
  })

  it.each([
    [
      [2, 5, 6, 8],
      [0, 1, 2]
    ],
    [[3, 4, 5], [0]],
    [
      [2, 3, 4, 2],
      [0, 1, 2, 3]
    ],
    [
      [2, 5, 6, 8],
      [1, 2]
    ]
  ])('Mean gradient equals cpu for %j over %j', async (shape, axes) => {
    const wasm = await meanGradOn('wasm', shape, axes)
    const cpu = await meanGradOn('cpu', shape, axes)
    expect(wasm.values).toEqual(cpu.values)
    expect(wasm.leaked).toBe(0)
  })
})
