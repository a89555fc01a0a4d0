import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { maxAbs, maxAbsDiff, randomArray, runKernelOn } from './compare'

/** Relative tolerance: the forward weights are rounded to float32 before multiplying. */
const TOL = 1e-6

/** [images shape, dy height and width, alignCorners]; channels % 4 ≠ 0 goes to wasm's kernel. */
const CASES: [number[], number, number, boolean][] = [
  [[2, 4, 4, 8], 8, 8, true],
  [[2, 4, 4, 8], 8, 8, false],
  [[1, 3, 5, 4], 7, 9, true],
  [[1, 5, 5, 4], 3, 3, false],
  [[2, 6, 6, 16], 12, 12, true],
  [[1, 4, 4, 3], 8, 8, true]
]

describe('wasm ResizeBilinearGrad', () => {
  beforeAll(async () => {
    expect((await initBackend('wasm')).name).toBe('wasm')
  })

  it.each(CASES)(
    'equals cpu for images %j to %i x %i, alignCorners %s',
    async (shape, h, w, ac) => {
      const size = (s: number[]) => s.reduce((a, b) => a * b, 1)
      const dyShape = [shape[0], h, w, shape[3]]
      const inputs = {
        images: { shape, values: randomArray(size(shape), 8) },
        dy: { shape: dyShape, values: randomArray(size(dyShape), 9) }
      }
      const attrs = { alignCorners: ac, halfPixelCenters: false }
      const wasm = await runKernelOn('wasm', 'ResizeBilinearGrad', inputs, attrs)
      const cpu = await runKernelOn('cpu', 'ResizeBilinearGrad', inputs, attrs)
      expect(wasm.shape).toEqual(shape)
      expect(wasm.leaked).toBe(0)
      expect(maxAbsDiff(wasm.values, cpu.values)).toBeLessThanOrEqual(TOL * maxAbs(cpu.values))
    }
  )
})
