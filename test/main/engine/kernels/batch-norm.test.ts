import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { heapSimd } from '../../../../src-main/engine/kernels/heap-simd'
import type { WasmBackendLike } from '../../../../src-main/engine/kernels/wasm-heap'
import { tf } from '../../../../src-main/engine/backend/tf'
import { maxAbs, maxAbsDiff, randomArray, runKernelOn, type KernelInputs } from './compare'

/** Relative tolerance: max |wasm - cpu| ≤ TOL · max |cpu| (a few float32 roundings apart). */
const TOL = 1e-6

const CASES: { shape: number[]; stats: number[]; scale: boolean; offset: boolean }[] = [
  { shape: [2, 5, 6, 8], stats: [8], scale: true, offset: true },
  { shape: [3, 4, 4, 32], stats: [32], scale: true, offset: false },
  { shape: [2, 3, 3, 4], stats: [4], scale: false, offset: true },
  { shape: [2, 3, 3, 4], stats: [1, 1, 1, 4], scale: true, offset: true },
  { shape: [2, 3, 3, 6], stats: [6], scale: true, offset: true },
  { shape: [10, 12], stats: [12], scale: true, offset: true }
]

describe('wasm FusedBatchNorm', () => {
  beforeAll(async () => {
    expect((await initBackend('wasm')).name).toBe('wasm')
  })

  it('runs on the SIMD module (threaded build)', () => {
    expect(heapSimd(tf.engine().backend as unknown as WasmBackendLike)).not.toBeNull()
  })

  it.each(CASES)('equals cpu for $shape, stats $stats, scale $scale, offset $offset', async (c) => {
    const size = (s: number[]) => s.reduce((a, b) => a * b, 1)
    const stat = (seed: number, positive = false) => ({
      shape: c.stats,
      values: randomArray(size(c.stats), seed).map((v) => (positive ? v * v + 0.1 : v))
    })
    const inputs: KernelInputs = {
      x: { shape: c.shape, values: randomArray(size(c.shape), 1).map((v) => v * 3) },
      mean: stat(2),
      variance: stat(3, true)
    }
    if (c.scale) inputs.scale = stat(4)
    if (c.offset) inputs.offset = stat(5)
    const attrs = { varianceEpsilon: 1e-3 }
    const wasm = await runKernelOn('wasm', 'FusedBatchNorm', inputs, attrs)
    const cpu = await runKernelOn('cpu', 'FusedBatchNorm', inputs, attrs)
    expect(wasm.shape).toEqual(cpu.shape)
    expect(wasm.leaked).toBe(0)
    expect(maxAbsDiff(wasm.values, cpu.values)).toBeLessThanOrEqual(TOL * maxAbs(cpu.values))
  })
})
