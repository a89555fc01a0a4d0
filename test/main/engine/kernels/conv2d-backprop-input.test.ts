import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { tf } from '../../../../src-main/engine/backend/tf'
import { maxAbs, maxAbsDiff, randomArray, runKernelOn } from './compare'

/** Relative tolerance: max |wasm - cpu| ≤ TOL · max |cpu|. */
const TOL = 1e-5

interface Case {
  x: [number, number, number, number]
  filter: [number, number, number, number]
  strides: number | [number, number]
  pad: 'same' | 'valid' | number
}

const CASES: Case[] = [
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [3, 9, 7, 5], filter: [3, 3, 5, 6], strides: 1, pad: 'valid' },
  { x: [2, 7, 6, 16], filter: [2, 2, 16, 8], strides: 1, pad: 'same' },
  { x: [2, 7, 9, 4], filter: [5, 5, 4, 2], strides: 1, pad: 2 },
  { x: [2, 8, 8, 17], filter: [2, 2, 17, 3], strides: 2, pad: 'same' },
  { x: [2, 9, 7, 6], filter: [3, 3, 6, 5], strides: 2, pad: 'same' },
  { x: [3, 6, 6, 32], filter: [1, 1, 32, 1], strides: 1, pad: 'same' },
  { x: [3, 7, 5, 8], filter: [1, 1, 8, 3], strides: 1, pad: 'valid' },
  { x: [2, 96, 96, 16], filter: [1, 1, 16, 2], strides: 1, pad: 'same' },
  { x: [2, 6, 10, 8], filter: [2, 2, 8, 12], strides: 2, pad: 'valid' },
  { x: [2, 9, 6, 5], filter: [3, 2, 5, 7], strides: [3, 2], pad: 'valid' },
  { x: [2, 7, 7, 4], filter: [2, 2, 4, 3], strides: 2, pad: 'valid' }
]

describe('Conv2DBackpropInput on wasm', () => {
  beforeAll(async () => {
    expect((await initBackend('wasm')).name).toBe('wasm')
  })

  it.each(CASES)('matches cpu for x $x filter $filter strides $strides pad $pad', async (c) => {
    const dyShape = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad).outShape
    const inputs = {
      dy: {
        shape: dyShape,
        values: randomArray(
          dyShape.reduce((a, b) => a * b),
          7
        )
      },
      filter: {
        shape: c.filter,
        values: randomArray(
          c.filter.reduce((a, b) => a * b),
          8
        )
      }
    }
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x }
    const wasm = await runKernelOn('wasm', 'Conv2DBackpropInput', inputs, attrs)
    const cpu = await runKernelOn('cpu', 'Conv2DBackpropInput', inputs, attrs)
    expect(wasm.shape).toEqual(c.x)
    expect(wasm.leaked).toBe(0)
    expect(maxAbsDiff(wasm.values, cpu.values)).toBeLessThanOrEqual(TOL * maxAbs(cpu.values))
  })
})
