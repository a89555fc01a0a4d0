import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evaluateRun } from '../../../../src-main/engine/eval/evaluate'
import { copyDsb } from '../copy-datasets'
import { writeThresholdRun } from '../infer/fixture-run'

describe('eval with instance ground truth', () => {
  let tmp: string
  let data: string
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'instance-eval-'))
    data = await copyDsb(3)
    await writeThresholdRun(join(tmp, 'run'))
  })
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true })
    await rm(data, { recursive: true, force: true })
  })

  it('reports object F1 and AP at IoU 0.5 besides pixel IoU', async () => {
    const r = await evaluateRun(join(tmp, 'run'), data)
    expect(r.images).toBe(3)
    expect(r.f1).toBeGreaterThan(0.6)
    expect(r.f1).toBeLessThanOrEqual(1)
    expect(r.ap50).toBeGreaterThan(0.4)
    expect(r.ap50!).toBeLessThanOrEqual(r.f1!)
    expect(r.f1Components).toBeGreaterThan(0.4)
  })
})
