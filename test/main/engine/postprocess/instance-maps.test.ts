import { describe, expect, it } from 'vitest'
import { instanceMetrics } from '../../../../src-main/engine/postprocess/instance-metrics'
import {
  instanceMapChannels,
  type InstanceMapKind
} from '../../../../src-main/engine/postprocess/instance-maps'
import { postprocess } from '../../../../src-main/engine/postprocess/postprocess'
import {
  buildInstanceTarget,
  INSTANCE_PLANES
} from '../../../../src-main/engine/targets/instance-target'
import { discs } from './helpers'

const W = 120
const H = 60
/** Three nuclei: two touching, one alone and small. */
const truth = discs(W, H, [
  [28, 30, 15],
  [55, 30, 15],
  [95, 30, 6]
])
const target = buildInstanceTarget(Uint16Array.from(truth), W, H)

/** What a well-trained model of each kind outputs for these nuclei (probabilities). */
function idealMap(kind: InstanceMapKind): Float32Array {
  const c = instanceMapChannels(kind)
  const out = new Float32Array(W * H * c)
  for (let i = 0; i < W * H; i++) {
    const cls = target[i * INSTANCE_PLANES]
    const dist = target[i * INSTANCE_PLANES + 1]
    if (kind === 'distance') {
      out[i * c] = cls ? 0.95 : 0.05
      out[i * c + 1] = dist
      continue
    }
    for (let k = 0; k < 3; k++) out[i * c + k] = k === cls ? 0.9 : 0.05
    if (kind === 'both') out[i * c + 3] = dist
  }
  return out
}

describe('post-processing per instance target', () => {
  for (const kind of ['distance', 'boundary', 'both'] as const) {
    it(`separates touching nuclei from a ${kind} map, keeping every nucleus whole`, () => {
      const map = { data: idealMap(kind), width: W, height: H, channels: instanceMapChannels(kind) }
      const split = postprocess(map, { target: kind, instances: 'split' })
      const merged = postprocess(map, { target: kind, instances: 'components' })
      expect(merged.instances!.count).toBe(2)
      expect(split.instances!.count).toBe(3)
      const m = instanceMetrics(truth, split.instances!.labels, W, H, 0.9)
      expect(m.f1).toBe(1)
      expect(split.mask.reduce((n, v) => n + v, 0)).toBe(truth.filter((v) => v > 0).length)
    })
  }

  it('seeds from the interior or the distance, by level or h-maxima', () => {
    const map = { data: idealMap('both'), width: W, height: H, channels: 4 }
    for (const seeds of [
      { source: 'interior' as const, flood: 'boundary' as const },
      { mode: 'h-maxima' as const, h: 0.3 },
      { level: 0.3 }
    ]) {
      const r = postprocess(map, { target: 'both', instances: 'split', seeds })
      expect(instanceMetrics(truth, r.instances!.labels, W, H, 0.8).f1).toBe(1)
    }
  })

  it('keeps an object no seed reaches, as its own instance', () => {
    const data = idealMap('distance')
    for (let i = 0; i < W * H; i++) data[i * 2 + 1] *= 0.3
    const r = postprocess(
      { data, width: W, height: H, channels: 2 },
      { target: 'distance', instances: 'split' }
    )
    expect(r.instances!.count).toBe(2)
  })
})
