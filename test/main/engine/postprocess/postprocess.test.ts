import { describe, expect, it } from 'vitest'
import { instanceMetrics } from '../../../../src-main/engine/postprocess/instance-metrics'
import { postprocess } from '../../../../src-main/engine/postprocess/postprocess'
import { discs } from './helpers'

const W = 90
const H = 50
const pair = discs(W, H, [
  [28, 25, 15],
  [55, 25, 15]
])
const inner = discs(W, H, [
  [28, 25, 12],
  [55, 25, 12]
])

/** A sigmoid-like map: high in the discs, dipping to 0.55 where they touch. */
function probabilityMap(): Float32Array {
  const p = new Float32Array(W * H)
  for (let i = 0; i < p.length; i++) {
    const x = i % W
    p[i] = pair[i] ? (Math.abs(x - 41.5) < 3 ? 0.55 : 0.95) : 0.05
  }
  return p
}

describe('postprocess', () => {
  it('thresholds, and splits touching objects the components keep merged', () => {
    const map = { data: probabilityMap(), width: W, height: H, channels: 1 }
    const cc = postprocess(map, { instances: 'components' })
    const split = postprocess(map, { instances: 'split' })
    expect(cc.instances!.count).toBe(1)
    expect(split.instances!.count).toBe(2)
    expect(instanceMetrics(pair, split.instances!.labels, W, H, 0.8).f1).toBe(1)
    expect(split.mask.reduce((n, v) => n + v, 0)).toBe(pair.reduce((n, v) => n + (v ? 1 : 0), 0))
  })

  it('drops objects below the minimum size', () => {
    const data = probabilityMap()
    data[2 * W + 2] = 0.9
    const map = { data, width: W, height: H, channels: 1 }
    expect(postprocess(map, { instances: 'components' }).instances!.count).toBe(2)
    expect(postprocess(map, { instances: 'components', minSize: 5 }).instances!.count).toBe(1)
  })

  it('grows interior seeds through the boundary class of a 3-class prediction', () => {
    const data = new Float32Array(W * H * 3)
    for (let i = 0; i < W * H; i++) {
      const c = pair[i] ? (inner[i] ? 1 : 2) : 0
      data[i * 3 + c] = 0.9
    }
    const r = postprocess(
      { data, width: W, height: H, channels: 3 },
      { target: 'boundary', instances: 'split' }
    )
    expect(r.instances!.count).toBe(2)
    expect(instanceMetrics(pair, r.instances!.labels, W, H, 0.8).f1).toBe(1)
  })

  it('takes the argmax for multi-class targets', () => {
    const data = new Float32Array([0.1, 0.7, 0.2, 0.5, 0.2, 0.3, 0.1, 0.1, 0.8])
    const r = postprocess({ data, width: 3, height: 1, channels: 3 }, { target: 'classes' })
    expect(Array.from(r.mask)).toEqual([1, 0, 2])
  })
})
