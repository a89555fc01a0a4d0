import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend'
import {
  DEFAULT_MAX_SCRATCH_FLOATS,
  filterGradOptions
} from '../../../../src-main/engine/kernels/conv2d-backprop-filter'
import { tf } from '../../../../src-main/engine/tf'
import { maxAbs, maxAbsDiff, randomArray, runKernelOn } from './compare'

/** Relative tolerance: max |wasm - cpu| ≤ TOL · max |cpu| (float32 sums over ≤ 10⁴ terms). */
const TOL = 1e-5

interface Case {
  x: [number, number, number, number]
  filter: [number, number, number, number]
  strides: number | [number, number]
  pad: 'same' | 'valid' | number
}

const CASES: Case[] = [
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [3, 9, 7, 5], filter: [3, 3, 5, 6], strides: 2, pad: 'same' },
  { x: [2, 10, 10, 16], filter: [3, 3, 16, 8], strides: 1, pad: 'valid' },
  { x: [2, 8, 8, 17], filter: [2, 2, 17, 3], strides: 2, pad: 'valid' },
  { x: [2, 7, 9, 4], filter: [5, 5, 4, 2], strides: [1, 2], pad: 2 },
  { x: [4, 6, 6, 32], filter: [1, 1, 32, 1], strides: 1, pad: 'same' }
]

function outShape(c: Case): number[] {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad)
  return info.outShape
}

describe('Conv2DBackpropFilter on wasm', () => {
  beforeAll(async () => {
    expect((await initBackend('wasm')).name).toBe('wasm')
  })

  it.each(CASES)('matches cpu for x $x filter $filter strides $strides pad $pad', async (c) => {
    const dyShape = outShape(c)
    const inputs = {
      x: {
        shape: c.x,
        values: randomArray(
          c.x.reduce((a, b) => a * b),
          1
        )
      },
      dy: {
        shape: dyShape,
        values: randomArray(
          dyShape.reduce((a, b) => a * b),
          2
        )
      }
    }
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter }
    const wasm = await runKernelOn('wasm', 'Conv2DBackpropFilter', inputs, attrs)
    const cpu = await runKernelOn('cpu', 'Conv2DBackpropFilter', inputs, attrs)
    expect(wasm.shape).toEqual(c.filter)
    expect(wasm.leaked).toBe(0)
    expect(maxAbsDiff(wasm.values, cpu.values)).toBeLessThanOrEqual(TOL * maxAbs(cpu.values))
  })

  it.each([CASES[0], CASES[1]])('gives the same answer in chunks (strides $strides)', async (c) => {
    const dyShape = outShape(c)
    const inputs = {
      x: {
        shape: c.x,
        values: randomArray(
          c.x.reduce((a, b) => a * b),
          3
        )
      },
      dy: {
        shape: dyShape,
        values: randomArray(
          dyShape.reduce((a, b) => a * b),
          4
        )
      }
    }
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter }
    const whole = await runKernelOn('wasm', 'Conv2DBackpropFilter', inputs, attrs)
    filterGradOptions.maxScratchFloats = 1
    try {
      const chunked = await runKernelOn('wasm', 'Conv2DBackpropFilter', inputs, attrs)
      expect(maxAbsDiff(whole.values, chunked.values)).toBeLessThanOrEqual(
        TOL * maxAbs(whole.values)
      )
    } finally {
      filterGradOptions.maxScratchFloats = DEFAULT_MAX_SCRATCH_FLOATS
    }
  })
})
