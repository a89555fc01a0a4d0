import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import {
  DEFAULT_MAX_SCRATCH_FLOATS,
  filterGradOptions
} from '../../../../src-main/engine/kernels/conv2d-backprop-filter'
import { nativeBlocking } from '../../../../src-main/engine/kernels/native-filter-grad'
import { tf } from '../../../../src-main/engine/backend/tf'
import { maxAbs, maxAbsDiff, randomArray, runKernelOn, type KernelInputs } from './compare'

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
  { x: [2, 7, 6, 9], filter: [2, 2, 9, 13], strides: 1, pad: 'same' },
  { x: [2, 8, 8, 17], filter: [2, 2, 17, 3], strides: 2, pad: 'valid' },
  { x: [2, 7, 9, 4], filter: [5, 5, 4, 2], strides: [1, 2], pad: 2 },
  { x: [2, 6, 5, 12], filter: [3, 3, 12, 20], strides: 1, pad: 1 },
  { x: [4, 6, 6, 32], filter: [1, 1, 32, 1], strides: 1, pad: 'same' },
  { x: [3, 7, 5, 8], filter: [1, 1, 8, 3], strides: 1, pad: 'valid' },
  { x: [2, 96, 96, 16], filter: [1, 1, 16, 2], strides: 1, pad: 'same' },
  { x: [3, 8, 6, 12], filter: [2, 2, 12, 10], strides: 2, pad: 'same' },
  { x: [2, 9, 4, 5], filter: [3, 2, 5, 9], strides: [3, 2], pad: 'valid' }
]

function inputsFor(
  c: Case,
  seed: number
): { inputs: KernelInputs; attrs: Record<string, unknown> } {
  const dyShape = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad).outShape
  const size = (shape: number[]): number => shape.reduce((a, b) => a * b)
  const inputs = {
    x: { shape: c.x, values: randomArray(size(c.x), seed) },
    dy: { shape: dyShape, values: randomArray(size(dyShape), seed + 1) }
  }
  return {
    inputs,
    attrs: { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter }
  }
}

describe.each([true, false])('Conv2DBackpropFilter on wasm (own SIMD module: %s)', (native) => {
  beforeAll(async () => {
    expect((await initBackend('wasm')).name).toBe('wasm')
  })

  afterEach(() => {
    Object.assign(filterGradOptions, { maxScratchFloats: DEFAULT_MAX_SCRATCH_FLOATS, native: true })
    Object.assign(nativeBlocking, { mc: 64, nc: 64, kc: 256 })
  })

  it.each(CASES)('matches cpu for x $x filter $filter strides $strides pad $pad', async (c) => {
    filterGradOptions.native = native
    const { inputs, attrs } = inputsFor(c, 1)
    const wasm = await runKernelOn('wasm', 'Conv2DBackpropFilter', inputs, attrs)
    const cpu = await runKernelOn('cpu', 'Conv2DBackpropFilter', inputs, attrs)
    expect(wasm.shape).toEqual(c.filter)
    expect(wasm.leaked).toBe(0)
    expect(maxAbsDiff(wasm.values, cpu.values)).toBeLessThanOrEqual(TOL * maxAbs(cpu.values))
  })

  it.each([CASES[1], CASES[6], CASES[8]])(
    'gives the same answer in chunks and blocks (x $x)',
    async (c) => {
      filterGradOptions.native = native
      const { inputs, attrs } = inputsFor(c, 3)
      const whole = await runKernelOn('wasm', 'Conv2DBackpropFilter', inputs, attrs)
      Object.assign(filterGradOptions, { maxScratchFloats: 1 })
      Object.assign(nativeBlocking, { mc: 5, nc: 8, kc: 7 })
      const chunked = await runKernelOn('wasm', 'Conv2DBackpropFilter', inputs, attrs)
      expect(maxAbsDiff(whole.values, chunked.values)).toBeLessThanOrEqual(
        TOL * maxAbs(whole.values)
      )
    }
  )
})
