import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  builtinModel,
  listBuiltinModels,
  resolveModel
} from '../../../src-main/engine/builtin-models'
import { evaluateRun } from '../../../src-main/engine/eval/evaluate'
import { describeModel } from '../../../src-main/engine/model-folder'
import { renderModelCard } from '../../../src-main/engine/model-card'
import { readRunConfig } from '../../../src-main/engine/run-store'
import { DSB_ROOT } from './postprocess/helpers'

const run = promisify(execFile)

/** Validation images of the shipped model scored again here: fluorescence, stained tissue. */
const SAMPLE_IDS = [
  '4ca5081854df7bbcaa4934fcf34318f82733a0f8c05b942c2265eea75419d62f',
  '1023509cf8d4c155467800f89508690be9513431992f470594281cd37dbd020d',
  'b6d50fa22380ae3a7e8c52c5bc44a254e7b2596fd8927980dbe2c160cb5689b5'
]

describe('the shipped nuclei model', () => {
  const nuclei = builtinModel('nuclei')!
  let tmp: string
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'nuclei-model-'))
  })
  afterAll(() => rm(tmp, { recursive: true, force: true }))

  it('is listed by name with what the model library shows', async () => {
    expect(listBuiltinModels().map((m) => m.name)).toContain('nuclei')
    expect(nuclei).toMatchObject({
      title: 'Nuclei (DSB2018)',
      arch: 'unet',
      labelType: 'binary',
      channels: 3
    })
    expect(nuclei.scores.images).toBe(24)
    // the model library shows the card's F1 (a shipped model has no training log)
    const entry = await describeModel(nuclei.dir)
    expect(entry).toMatchObject({ name: 'Nuclei (DSB2018)', cardF1: nuclei.scores.f1 })
    expect(entry.bestValIou).toBeNull()
    expect(resolveModel('nuclei')).toBe(nuclei.dir)
    expect(() => resolveModel('no-such-model')).toThrow(/built-in: nuclei/)
  })

  it('is at most 10 MB in tfjs layers format, loadable by plain TensorFlow.js', async () => {
    const bytes =
      (await stat(join(nuclei.dir, 'weights.bin'))).size +
      (await stat(join(nuclei.dir, 'model.json'))).size
    expect(bytes).toBe(nuclei.sizeBytes)
    expect(bytes).toBeLessThanOrEqual(10e6)
    const script = join(import.meta.dirname, 'models/plain-tfjs-predict.mjs')
    const { stdout } = await run(process.execPath, [script, nuclei.dir, '32', '48', '3'])
    const plain = JSON.parse(stdout.trim().split('\n').pop()!)
    expect(plain.error).toBeUndefined()
    expect(plain.shape).toEqual([1, 32, 48, 1])
  })

  it('has a README rendered from its card, whose mean F1 is its per-image F1s', async () => {
    const readme = await readFile(join(nuclei.dir, 'README.md'), 'utf8')
    expect(readme).toBe(renderModelCard(nuclei))
    expect(readme).toMatch(/CC0/)
    const f1s = Object.values(nuclei.scores.perImageF1)
    expect(f1s).toHaveLength(24)
    expect(f1s.reduce((a, b) => a + b, 0) / f1s.length).toBeCloseTo(nuclei.scores.f1, 9)
    const config = await readRunConfig(nuclei.dir)
    expect(Object.keys(nuclei.scores.perImageF1).sort()).toEqual([...config.split.val].sort())
  })

  it('segments shared nuclei images with no training: the card’s figures again, above a floor', async () => {
    const f1: Record<string, number> = {}
    const r = await evaluateRun(resolveModel('nuclei'), DSB_ROOT, {
      ids: SAMPLE_IDS,
      onImage: (id, _iou, _done, _total, score) => (f1[id] = score!)
    })
    expect(r.images).toBe(SAMPLE_IDS.length)
    for (const id of SAMPLE_IDS) expect(f1[id]).toBeCloseTo(nuclei.scores.perImageF1[id], 9)
    // their mean F1 on the card is 0.857 (with the model's chosen post-processing)
    expect(r.f1).toBeGreaterThan(0.84)
    // the card's split F1 (its per-image F1s, three of them scored again just above) meets the goal
    expect(nuclei.scores.f1).toBeGreaterThanOrEqual(0.85)
    expect(nuclei.postprocess).toMatch(/mean foreground probability is under 0\.7/)
  })
})
