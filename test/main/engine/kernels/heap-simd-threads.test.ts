import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { tf } from '../../../../src-main/engine/backend/tf'
import { FUSED_ADAM } from '../../../../src-main/engine/kernels/adam-update'
import { heapSimdOptions } from '../../../../src-main/engine/kernels/heap-simd'
import { nativeOptions } from '../../../../src-main/engine/kernels/native-module'
import { configuredWasmThreads } from '../../../../src-main/engine/kernels/threaded-wasm'
import { randomArray } from './compare'

/**
 * The recipe's sizes (batch 8, 96 px, 16–48 channels): large enough that heap-simd.ts splits each
 * call between the threads. Every split entry point must give what one thread gives, bit for bit;
 * the per-channel sums may differ in the float64 order of their parts only.
 */
const input = (shape: number[], seed: number): tf.Tensor =>
  tf.tensor(
    randomArray(
      shape.reduce((a, b) => a * b, 1),
      seed
    ),
    shape
  )

const CASES: Record<string, () => tf.Tensor[]> = {
  Concat: () => [tf.concat([input([8, 96, 96, 16], 1), input([8, 96, 96, 32], 2)], 3)],
  SplitV: () => tf.split(input([8, 96, 96, 48], 3), [16, 32], 3),
  ResizeBilinearGrad: () => [
    tf
      .engine()
      .runKernel(
        'ResizeBilinearGrad',
        { images: input([8, 48, 48, 32], 4), dy: input([8, 96, 96, 32], 5) },
        { alignCorners: false, halfPixelCenters: false }
      ) as tf.Tensor
  ],
  MaxPoolGrad: () => {
    const x = input([8, 96, 96, 16], 6)
    return [
      tf.engine().runKernel(
        'MaxPoolGrad',
        {
          dy: input([8, 48, 48, 16], 7),
          input: x,
          output: tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid')
        },
        { filterSize: 2, strides: 2, pad: 'valid' }
      ) as tf.Tensor
    ]
  },
  'Add (per channel)': () => [tf.add(input([8, 96, 96, 32], 8), input([32], 9))],
  FusedAdam: () =>
    tf.engine().runKernel(
      FUSED_ADAM,
      {
        x: input([3, 3, 48, 16], 10),
        m: input([3, 3, 48, 16], 11),
        v: tf.abs(input([3, 3, 48, 16], 12)),
        g: input([3, 3, 48, 16], 13)
      },
      {
        learningRate: 1e-3,
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-7,
        accBeta1: 0.81,
        accBeta2: 0.998
      }
    ) as tf.Tensor[],
  'Sum (per channel)': () => [tf.sum(input([8, 96, 96, 48], 14), [0, 1, 2])]
}

/** Outputs on one thread and on both; both sets alive at once, so neither reuses the other's memory. */
async function bothWays(f: () => tf.Tensor[]): Promise<[Float32Array[], Float32Array[]]> {
  heapSimdOptions.threaded = false
  const one = tf.tidy(f)
  heapSimdOptions.threaded = true
  const both = tf.tidy(f)
  const read = (outs: tf.Tensor[]) =>
    Promise.all(outs.map(async (o) => (await o.data()) as Float32Array))
  const values: [Float32Array[], Float32Array[]] = [await read(one), await read(both)]
  tf.dispose([...one, ...both])
  return values
}

describe('heap-simd entry points split between the threads', () => {
  beforeAll(async () => {
    await initBackend('wasm')
  })
  afterAll(() => {
    heapSimdOptions.threaded = true
  })

  it('runs with more than one thread here (else nothing below is split)', () => {
    expect(configuredWasmThreads()).toBeGreaterThan(1)
  })

  for (const [name, f] of Object.entries(CASES)) {
    it(`${name}: the same outputs on both threads as on one`, async () => {
      const [one, both] = await bothWays(f)
      expect(both.map((v) => v.length)).toEqual(one.map((v) => v.length))
      if (name.startsWith('Sum')) {
        const scale = Math.max(...one[0].map(Math.abs))
        const worst = Math.max(...one[0].map((v, i) => Math.abs(v - both[0][i])))
        expect(worst).toBeLessThanOrEqual(1e-6 * scale)
      } else {
        both.forEach((values, k) =>
          expect(Buffer.from(values.buffer).equals(Buffer.from(one[k].buffer))).toBe(true)
        )
      }
    })
  }

  it('gives the same outputs when the threads sleep at once between calls (no watching)', async () => {
    const spin = nativeOptions.spinMs
    try {
      nativeOptions.spinMs = 0
      const [one, both] = await bothWays(CASES.Concat)
      expect(Buffer.from(both[0].buffer).equals(Buffer.from(one[0].buffer))).toBe(true)
    } finally {
      nativeOptions.spinMs = spin
    }
  })
})
