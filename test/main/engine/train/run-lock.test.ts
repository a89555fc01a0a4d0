import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  acquireRunLock,
  assertRunFree,
  RUN_LOCK_FILE,
  runLockHolder,
  RunLockedError
} from '../../../../src-main/engine/train/run-lock'
import { trainRun } from '../../../../src-main/engine/train/train-run'
import { copyDsb } from '../copy-datasets'

const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

async function runFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'unet-run-lock-'))
  dirs.push(dir)
  return dir
}

/** The id of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''])
  if (!child.pid) throw new Error('could not start a process')
  return child.pid
}

async function writeLock(dir: string, holder: object): Promise<void> {
  await writeFile(join(dir, RUN_LOCK_FILE), JSON.stringify(holder))
}

describe('run lock', () => {
  it('lets one trainer hold a run folder; a second is refused naming the run and the holder', async () => {
    const dir = await runFolder()
    const first = await acquireRunLock(dir, 'train-a')
    expect(first.takenOver).toBeNull()
    expect(runLockHolder(dir)).toMatchObject({ pid: process.pid, jobId: 'train-a' })
    const refused = await acquireRunLock(dir, 'train-b').catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(RunLockedError)
    expect((refused as RunLockedError).name).toBe('RunLockedError')
    expect((refused as Error).message).toMatch(
      new RegExp(`^run ${dir} is being trained by job train-a \\(pid ${process.pid}, since `)
    )
    expect(() => assertRunFree(dir)).toThrow(RunLockedError)
    await first.release()
    expect(existsSync(join(dir, RUN_LOCK_FILE))).toBe(false)
    assertRunFree(dir)
    const second = await acquireRunLock(dir, 'train-b')
    await second.release()
  })

  it('takes over a lock whose process is gone, and says whose it was', async () => {
    const dir = await runFolder()
    const pid = deadPid()
    await writeLock(dir, { pid, jobId: 'train-old', host: hostname(), since: '2020-01-01' })
    expect(runLockHolder(dir)).toBeNull()
    assertRunFree(dir)
    const lock = await acquireRunLock(dir, 'train-new')
    expect(lock.takenOver).toMatchObject({ pid, jobId: 'train-old' })
    const now = JSON.parse(await readFile(join(dir, RUN_LOCK_FILE), 'utf8'))
    expect(now).toMatchObject({ pid: process.pid, jobId: 'train-new' })
    await lock.release()
  })

  it('keeps a lock from another machine, and a lock still being written', async () => {
    const dir = await runFolder()
    await writeLock(dir, { pid: deadPid(), jobId: 'train-x', host: 'gpu-box', since: 'noon' })
    await expect(acquireRunLock(dir, 'train-y')).rejects.toThrow(
      /being trained by job train-x \(pid \d+ on gpu-box, since noon\)/
    )
    await writeFile(join(dir, RUN_LOCK_FILE), '')
    expect(() => assertRunFree(dir)).toThrow(RunLockedError)
    const old = new Date(Date.now() - 60_000)
    await utimes(join(dir, RUN_LOCK_FILE), old, old)
    const lock = await acquireRunLock(dir, 'train-y')
    expect(lock.takenOver).toBeNull()
    await lock.release()
  })

  it('trains a run whose lock a dead trainer left, and frees the folder afterwards', async () => {
    const data = await copyDsb(3)
    dirs.push(data)
    const out = join(data, 'run')
    const tiny = { data, out, size: 32, base: 4, depth: 2, epochs: 1, patches: 2, batch: 4 }
    await trainRun({ ...tiny, epochs: 1 })
    const pid = deadPid()
    await writeLock(out, { pid, jobId: 'train-crashed', host: hostname(), since: 'then' })
    const logs: string[] = []
    const s = await trainRun(
      { out, epochs: 2 },
      { onLog: (m) => logs.push(m) },
      { resume: true, jobId: 'train-next' }
    )
    expect(s.epochs).toBe(2)
    expect(logs).toContain(
      `took over the lock of job train-crashed (pid ${pid}), which no longer runs`
    )
    expect(existsSync(join(out, RUN_LOCK_FILE))).toBe(false)
  })
})
