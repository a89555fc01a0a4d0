import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { channelBroadcast } from '../../../../src-main/engine/kernels/channel-binary'
import { randomArray, runKernelOn } from './compare'

/** [a shape, b shape]: per-channel vectors on either side, and pairs left to wasm (scalars…). */
const PAIRS: [number[], number[]][] = [
  [[2, 5, 6, 8], [8]],
  [
    [1, 1, 1, 8],
    [2, 5, 6, 8]
  ],
  [[12], [3, 4, 12]],
  [[2, 3, 3, 4], []],
  [[], [2, 3, 3, 4]],
  [
    [2, 3, 3, 4],
    [1, 1, 1, 1]
  ],
  [[2, 3, 3, 6], [6]],
  [
    [2, 3, 4],
    [3, 1]
  ],
  [
    [2, 3, 4],
    [2, 3, 4]
  ]
]

describe('wasm Add/Sub/Multiply/RealDiv with a per-channel operand', () => {
  beforeAll(async () => {
    expect((await initBackend('wasm')).name).toBe('wasm')
  })

  it('takes per-channel vectors only', () => {
    expect(channelBroadcast([2, 5, 6, 8], [8])).toEqual({ perFirst: false, channels: 8 })
    expect(channelBroadcast([1, 1, 1, 8], [2, 5, 6, 8])).toEqual({ perFirst: true, channels: 8 })
    expect(channelBroadcast([], [2, 4])).toBeNull()
    expect(channelBroadcast([2, 4], [1])).toBeNull()
    expect(channelBroadcast([2, 3, 3, 6], [6])).toBeNull()
    expect(channelBroadcast([2, 3, 4], [3, 1])).toBeNull()
    expect(channelBroadcast([2, 3, 4], [2, 3, 4])).toBeNull()
    expect(channelBroadcast([4], [1, 1, 4])).toBeNull()
  })

  for (const op of ['Add', 'Sub', 'Multiply', 'RealDiv']) {
    it.each(PAIRS)(`${op} equals cpu exactly for %j and %j`, async (a, b) => {
      const size = (s: number[]) => s.reduce((p, d) => p * d, 1)
      const inputs = {
        a: { shape: a, values: randomArray(size(a), 3) },
        b: { shape: b, values: randomArray(size(b), 4).map((v) => v + Math.sign(v) * 0.5) }
      }
      const wasm = await runKernelOn('wasm', op, inputs, {})
      const cpu = await runKernelOn('cpu', op, inputs, {})
      expect(wasm.shape).toEqual(cpu.shape)
      expect(Array.from(wasm.values)).toEqual(Array.from(cpu.values))
      expect(wasm.leaked).toBe(0)
    })
  }
})
