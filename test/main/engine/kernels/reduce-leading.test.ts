import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { isLeadingAxes } from '../../../../src-main/engine/kernels/reduce-leading'
import { maxAbs, maxAbsDiff, randomArray, runKernelOn } from './compare'

/** Relative tolerance: max |wasm - cpu| ≤ TOL · max |cpu| (sums of up to 10³ floats). */
const TOL = 1e-5

const CASES: { shape: number[]; axis: number | number[]; keepDims: boolean }[] = [
  { shape: [2, 5, 6, 7], axis: [0, 1, 2], keepDims: false },
  { shape: [3, 4, 4, 32], axis: [2, 0, 1], keepDims: true },
  { shape: [3, 10, 10, 12], axis: [0, 1, 2], keepDims: false },
  { shape: [2, 5, 6, 7], axis: [-4, -3, -2], keepDims: false },
  { shape: [9, 5], axis: 0, keepDims: false },
  { shape: [2, 5, 6, 7], axis: [1, 2], keepDims: false },
  { shape: [2, 5, 6, 7], axis: 3, keepDims: true },
  { shape: [4, 6], axis: [0, 1], keepDims: false }
]

describe('Sum and Mean over leading axes on wasm', () => {
  beforeAll(async () => {
    expect((await initBackend('wasm')).name).toBe('wasm')
  })

  it('recognises leading-axis reductions only', () => {
    expect(isLeadingAxes([0, 1, 2], 4)).toBe(true)
    expect(isLeadingAxes([-4, -2, -3], 4)).toBe(true)
    expect(isLeadingAxes([1, 2], 4)).toBe(false)
    expect(isLeadingAxes([0, 1], 2)).toBe(false)
    expect(isLeadingAxes(0, 1)).toBe(false)
  })

  for (const name of ['Sum', 'Mean']) {
    it.each(CASES)(`${name} matches cpu for $shape over $axis`, async (c) => {
      const size = c.shape.reduce((a, b) => a * b)
      const inputs = { x: { shape: c.shape, values: randomArray(size, 11) } }
      const attrs = { axis: c.axis, keepDims: c.keepDims }
      const wasm = await runKernelOn('wasm', name, inputs, attrs)
      const cpu = await runKernelOn('cpu', name, inputs, attrs)
      expect(wasm.shape).toEqual(cpu.shape)
      expect(wasm.leaked).toBe(0)
      expect(maxAbsDiff(wasm.values, cpu.values)).toBeLessThanOrEqual(TOL * maxAbs(cpu.values))
    })
  }
})
