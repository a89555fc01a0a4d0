/**
 * Runs survive anything: a tiny training killed with SIGKILL at random moments (while loading,
 * stepping, validating or writing its checkpoint and best model) resumes every time with
 * config.json untouched, each epoch once in log.csv, and a best model that never gets worse.
 */
import { readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readBestRecord } from '../../../src-main/engine/train/best-model'
import { checkpointProblem } from '../../../src-main/engine/train/checkpoint-files'
import { modelFolderProblem } from '../../../src-main/engine/models/model-files'
import { Prng } from '../../../src-main/engine/prng'
import { readLog } from '../../../src-main/engine/run-store'
import { startJob } from '../../../src-main/jobs/job-host'
import type { JobEvent, JobSpecInput } from '../../../src-preload/job-events'
import { copyDsb } from '../engine/copy-datasets'

const KILLS = 20
const EPOCHS = 30
const TINY = { size: 32, base: 4, depth: 2, batch: 4, patches: 2, limit: 4, val: 0.25, seed: 5 }
const seed = Number(process.env.KILL_SEED ?? Date.now() % 100_000)
const rng = new Prng(seed)
const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Starts a training job and kills it with SIGKILL at a random moment: during start-up, a
 * random time after its first step, or just after the last step of an epoch (validation and
 * checkpoint writing follow). Resolves with how the job ended.
 */
async function killAtRandom(spec: JobSpecInput): Promise<{ killed: boolean; error?: string }> {
  const mode = rng.next()
  let stepped: () => void = () => undefined
  const firstStep = new Promise<void>((resolve) => (stepped = resolve))
  let epochEnd: () => void = () => undefined
  const lastStep = new Promise<void>((resolve) => (epochEnd = resolve))
  let skipEpochEnds = Math.floor(rng.next() * 3)
  const job = startJob(spec, (e: JobEvent) => {
    if (e.type !== 'step') return
    stepped()
    if (e.step === e.steps && skipEpochEnds-- <= 0) epochEnd()
  })
  let killed = false
  const ended = job.done.then(
    () => ({ killed: false }),
    (err: Error) => ({ killed, error: err.message })
  )
  const trigger =
    mode < 0.15
      ? sleep(300 + rng.next() * 2500)
      : mode < 0.55
        ? firstStep.then(() => sleep(rng.next() * 1500))
        : lastStep.then(() => sleep(rng.next() * 400))
  const first = await Promise.race([trigger.then(() => null), ended])
  if (first === null) {
    killed = true
    job.kill()
  }
  const end = await ended
  return end.killed ? { killed: true } : end
}

/** Starts a job and resolves once it has taken its first step; a job that ends first is an error. */
async function startAndStep(spec: JobSpecInput): Promise<ReturnType<typeof startJob>> {
  let stepped: () => void = () => undefined
  const firstStep = new Promise<void>((resolve) => (stepped = resolve))
  const job = startJob(spec, (e) => e.type === 'step' && stepped())
  const ended = job.done.then(
    () =>
      new Error(
        `the ${'resume' in spec && spec.resume ? 'resume' : 'run'} finished before its first step`
      ),
    (err: Error) => err
  )
  const early = await Promise.race([firstStep.then(() => null), ended])
  if (early) throw early
  return job
}

/**
 * Resumes the run, and while it trains starts a second resume of it, which must be refused.
 * Done early, while epochs remain: a run the kill loop already finished has no step to wait for.
 */
async function secondResumeRefused(data: string, out: string): Promise<string> {
  const first = await startAndStep(resume(data, out))
  const second = startJob(resume(data, out))
  const refusal = await second.done.then(
    () => 'finished',
    (err: Error) => err.message
  )
  first.kill()
  await first.done.catch(() => undefined)
  return refusal
}

const resume = (data: string, out: string): JobSpecInput => ({
  kind: 'train',
  resume: true,
  options: { data, out }
})

/** Epochs in log.csv, the best model's record, and whether a write was cut short. */
async function inspect(out: string) {
  const epochs = (await readLog(out)).map((r) => r.epoch)
  const leftovers = (await readdir(out)).filter((n) => /^\.(last|model)\.(tmp|old)-/.test(n))
  return { epochs, best: readBestRecord(join(out, 'model')), leftovers }
}

describe('kill -9 loop', () => {
  it(`resumes a tiny training after ${KILLS} SIGKILLs at random moments, losing nothing; a second resume is refused`, async () => {
    console.info(`kill loop seed ${seed} (KILL_SEED=${seed} repeats it)`)
    const data = await copyDsb(4)
    dirs.push(data)
    const out = join(data, 'run')
    const options = { ...TINY, data, out, epochs: EPOCHS }
    const first = await startAndStep({ kind: 'train', resume: false, options })
    first.kill()
    await first.done.catch(() => undefined)
    const config = await readFile(join(out, 'config.json'))
    expect(await secondResumeRefused(data, out)).toMatch(
      new RegExp(`run ${out} is being trained by job train-\\S+ \\(pid \\d+`)
    )
    let best = Infinity
    let cutShort = 0
    let finished = 0
    for (let k = 1; k <= KILLS; k++) {
      const end = await killAtRandom(resume(data, out))
      if (!end.killed && end.error) throw new Error(`resume ${k} failed: ${end.error}`)
      if (!end.killed) finished++
      expect(await readFile(join(out, 'config.json'))).toEqual(config)
      const state = await inspect(out)
      expect(state.epochs).toEqual(state.epochs.map((_, i) => i + 1))
      if (state.leftovers.length) cutShort++
      if (state.best) {
        expect(state.best.monitored).toBeLessThanOrEqual(best)
        best = state.best.monitored
      }
    }
    const summary = await startJob(resume(data, out)).done
    if (summary.kind !== 'train') throw new Error(`a ${summary.kind} result`)
    expect(summary.epochs).toBe(EPOCHS)
    expect(await readFile(join(out, 'config.json'))).toEqual(config)
    const log = await readLog(out)
    expect(log.map((r) => r.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1))
    expect(checkpointProblem(join(out, 'last'))).toBeNull()
    expect(modelFolderProblem(join(out, 'model'))).toBeNull()
    const record = readBestRecord(join(out, 'model'))!
    expect(record.monitored).toBeLessThanOrEqual(best)
    expect(record.epoch).toBe(summary.bestEpoch)
    const row = log[record.epoch - 1]
    expect(row.val_loss).toBeCloseTo(record.monitored, 4)
    expect(Math.min(...log.map((r) => r.val_loss))).toBeCloseTo(record.monitored, 4)
    expect((await inspect(out)).leftovers).toEqual([])
    console.info(
      `${KILLS} kills: ${cutShort} cut a write short, ${finished} resumes ended on their own; ` +
        `best epoch ${record.epoch}, val loss ${record.monitored.toFixed(4)}`
    )
  }, 600_000)
})
