/**
 * Resuming never destroys a run: config.json is not rewritten, a cut-short checkpoint write is
 * recovered, a checkpoint whose weights do not match their manifest counts as missing, the
 * best model is never overwritten by a restart, and leftover temp folders go.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, mkdir, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readBestRecord } from '../../../../src-main/engine/train/best-model'
import { checkpointProblem } from '../../../../src-main/engine/train/checkpoint-files'
import { readLog } from '../../../../src-main/engine/run-store'
import { trainRun } from '../../../../src-main/engine/train/train-run'
import { copyDsb } from '../copy-datasets'

const TINY = { size: 32, base: 4, depth: 2, batch: 4, patches: 2, limit: 4, val: 0.25, seed: 7 }
let data = ''
let base = ''
/** A process id that is certainly not running any more. */
const deadPid = spawnSync(process.execPath, ['-e', '0']).pid

beforeAll(async () => {
  data = await copyDsb(4)
  base = join(data, 'base-run')
  await trainRun({ ...TINY, data, out: base, epochs: 2 })
})
afterAll(() => rm(data, { recursive: true, force: true }))

/** A copy of the two-epoch run to break. */
async function copyRun(name: string): Promise<string> {
  const out = join(data, name)
  await cp(base, out, { recursive: true })
  return out
}

const silent = { onLog: () => undefined }

describe('resuming a damaged run', () => {
  it('refuses to start a new run over an existing one', async () => {
    await expect(trainRun({ ...TINY, data, out: base, epochs: 2 })).rejects.toThrow(
      /already holds a training run \(config\.json\): resume it or choose another folder/
    )
  })

  it('treats a checkpoint whose weights do not match their manifest as missing', async () => {
    const out = await copyRun('truncated')
    const config = await readFile(join(out, 'config.json'))
    const model = await readFile(join(out, 'model', 'weights.bin'))
    await truncate(join(out, 'last', 'weights.bin'), 100)
    expect(checkpointProblem(join(out, 'last'))).toMatch(
      /weight files hold 100 bytes but the manifest needs \d+/
    )
    await expect(trainRun({ data, out, epochs: 3 }, silent, { resume: true })).rejects.toThrow(
      /cannot resume, no complete checkpoint .*the best model in model\/ is kept/
    )
    expect(await readFile(join(out, 'config.json'))).toEqual(config)
    expect(await readFile(join(out, 'model', 'weights.bin'))).toEqual(model)
  })

  it('recovers a checkpoint cut short between its two renames and cleans temp folders', async () => {
    const out = await copyRun('between-renames')
    const config = await readFile(join(out, 'config.json'))
    await rename(join(out, 'last'), join(out, `.last.tmp-${deadPid}`))
    await mkdir(join(out, `.model.tmp-${deadPid}`))
    await writeFile(join(out, `.model.tmp-${deadPid}`, 'model.json'), '{"trunc')
    const logs: string[] = []
    const s = await trainRun({ data, out }, { onLog: (m) => logs.push(m) }, { resume: true })
    expect(logs).toContain(`resume: last/ restored from .last.tmp-${deadPid} (interrupted write)`)
    expect(logs).toContain('resuming after epoch 2')
    expect(s.epochs).toBe(2)
    expect(existsSync(join(out, `.model.tmp-${deadPid}`))).toBe(false)
    expect(await readFile(join(out, 'config.json'))).toEqual(config)
  })

  it('writes the best model again when the save after its checkpoint was cut short', async () => {
    const out = await copyRun('model-lag')
    const best = readBestRecord(join(out, 'model'))!
    await rm(join(out, 'model'), { recursive: true })
    const logs: string[] = []
    await trainRun({ data, out }, { onLog: (m) => logs.push(m) }, { resume: true })
    expect(best.epoch).toBe(2)
    expect(logs).toContain('resume: model/ now holds the best epoch 2 (its save was cut short)')
    expect(readBestRecord(join(out, 'model'))).toEqual(best)
  })

  it('restarts a run with no checkpoint and no model at its first epoch, keeping config.json', async () => {
    const out = await copyRun('no-checkpoint')
    const config = await readFile(join(out, 'config.json'))
    await rm(join(out, 'last'), { recursive: true })
    await rm(join(out, 'model'), { recursive: true })
    const logs: string[] = []
    const s = await trainRun({ data, out }, { onLog: (m) => logs.push(m) }, { resume: true })
    expect(logs.some((l) => /no checkpoint yet .*training from the first epoch/.test(l))).toBe(true)
    expect(s.epochs).toBe(2)
    expect((await readLog(out)).map((r) => r.epoch)).toEqual([1, 2])
    expect(await readFile(join(out, 'config.json'))).toEqual(config)
    expect((await readLog(out)).map((r) => r.loss)).toEqual(
      (await readLog(base)).map((r) => r.loss)
    )
  })

  it('stops with a named error when the folder is not a run', async () => {
    await expect(
      trainRun({ data, out: join(data, 'nothing') }, silent, { resume: true })
    ).rejects.toThrow(/config\.json: not a training run \(config\.json missing\)/)
  })
})
