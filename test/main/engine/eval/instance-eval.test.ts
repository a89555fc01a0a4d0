import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scanDataset } from '../../../../src-main/data/dataset'
import { GALLERY_GAP } from '../../../../src-main/data/export/gallery'
import { readImage } from '../../../../src-main/data/image-io'
import { readLabel } from '../../../../src-main/data/labels'
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

  it('writes the gallery (original | prediction | label | outlines) for the chosen ids only', async () => {
    const gallery = join(tmp, 'gallery')
    const ids = (await readdir(data)).sort().slice(0, 2)
    const r = await evaluateRun(join(tmp, 'run'), data, { ids, gallery })
    expect(r.images).toBe(2)
    expect((await readdir(gallery)).sort()).toEqual(ids.map((id) => `${id}.png`))
    const row = await readImage(join(gallery, `${ids[0]}.png`))
    const raw = await readImage(join(data, ids[0], 'images', `${ids[0]}.png`))
    expect([row.width, row.height, row.channels]).toEqual([
      4 * raw.width + 3 * GALLERY_GAP,
      raw.height,
      3
    ])
    const at = (panel: number, x: number, y: number) =>
      Array.from(
        row.data.subarray(
          (y * row.width + panel * (raw.width + GALLERY_GAP) + x) * 3,
          (y * row.width + panel * (raw.width + GALLERY_GAP) + x) * 3 + 3
        )
      )
    expect(at(0, 0, 0)).toEqual(Array.from(raw.data.subarray(0, 3)))
    const gt = await readLabel(
      (await scanDataset(data)).samples.find((s) => s.id === ids[0])!,
      'instances'
    )
    const inside = gt.data.findIndex((v) => v > 0)
    const [x, y] = [inside % raw.width, Math.floor(inside / raw.width)]
    expect(at(2, x, y)).not.toEqual([0, 0, 0])
    expect(at(2, 0, 0)).toEqual([0, 0, 0])
  })
})
