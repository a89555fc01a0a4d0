import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { maxAbs, maxAbsDiff, randomArray, runKernelOn } from './compare'

/** [input shape, pad]: 2×2 pools, ours (channels % 4 = 0, even sizes) and wasm's own (others). */
const POOLS: [number[], 'valid' | 'same'][] = [
  [[2, 8, 8, 4], 'valid'],
  [[3, 96, 96, 16], 'same'],
  [[1, 12, 6, 32], 'valid'],
  [[2, 8, 8, 3], 'valid']
]

/** [input shape, output size, align corners]: ×2 upsampling as the U-Net does, and others. */
const RESIZES: [number[], [number, number], boolean][] = [
  [[2, 6, 6, 256], [12, 12], false],
  [[8, 48, 48, 32], [96, 96], false],
  [[1, 5, 7, 8], [13, 9], false],
  [[1, 5, 7, 8], [10, 14], true],
  [[2, 6, 4, 3], [12, 8], false]
]

describe('wasm MaxPool and ResizeBilinear (forward)', () => {
  beforeAll(async () => {
    expect((await initBackend('wasm')).name).toBe('wasm')
  })

  for (const [shape, pad] of POOLS) {
    it(`MaxPool 2×2 equals cpu exactly for ${JSON.stringify(shape)} ${pad}`, async () => {
      const size = shape.reduce((a, b) => a * b)
      const x = randomArray(size, 5).map((v) => (v < -0.5 ? 0 : v))
      const inputs = { x: { shape, values: x } }
      const attrs = { filterSize: 2, strides: 2, pad }
      const wasm = await runKernelOn('wasm', 'MaxPool', inputs, attrs)
      const cpu = await runKernelOn('cpu', 'MaxPool', inputs, attrs)
      expect(wasm.shape).toEqual([shape[0], shape[1] / 2, shape[2] / 2, shape[3]])
      expect(Array.from(wasm.values)).toEqual(Array.from(cpu.values))
      expect(wasm.leaked).toBe(0)
    })
  }

  for (const [shape, size, alignCorners] of RESIZES) {
    const how = `${JSON.stringify(shape)} → ${size.join('×')}${alignCorners ? ', align corners' : ''}`
    it(`ResizeBilinear equals cpu for ${how}`, async () => {
      const values = randomArray(
        shape.reduce((a, b) => a * b),
        6
      )
      const inputs = { images: { shape, values } }
      const attrs = { alignCorners, halfPixelCenters: false, size }
      const wasm = await runKernelOn('wasm', 'ResizeBilinear', inputs, attrs)
      const cpu = await runKernelOn('cpu', 'ResizeBilinear', inputs, attrs)
      expect(wasm.shape).toEqual([shape[0], ...size, shape[3]])
      expect(maxAbsDiff(wasm.values, cpu.values)).toBeLessThanOrEqual(1e-6 * maxAbs(cpu.values))
      expect(wasm.leaked).toBe(0)
    })
  }
})
