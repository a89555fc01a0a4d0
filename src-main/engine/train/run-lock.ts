/**
 * One trainer per run folder, across processes (the app's jobs, the CLI): `train.lock` in the run
 * folder names the process and job training it. It is created with O_EXCL, so of two trainers
 * only one gets it; a lock whose process is gone is stale and taken over.
 */
import { readFileSync, statSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { link, rename, rm, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'

/** The lock file's name inside a run folder. */
export const RUN_LOCK_FILE = 'train.lock'

/** How long an unreadable lock (its writer died between creating and writing it) counts as held. */
export const UNREADABLE_LOCK_GRACE_MS = 5_000

/** Who trains a run folder. */
export interface RunLockHolder {
  /** The training process. */
  pid: number
  /** The job (app) or `cli` (command line). */
  jobId: string
  /** The machine it runs on. */
  host: string
  /** When it took the lock (ISO time). */
  since: string
}

/** A run folder is being trained by another job. */
export class RunLockedError extends Error {
  override name = 'RunLockedError'
  constructor(
    /** The run folder. */
    readonly runDir: string,
    /** Who trains it. */
    readonly holder: RunLockHolder
  ) {
    const where = holder.host === hostname() ? '' : ` on ${holder.host}`
    super(
      `run ${runDir} is being trained by job ${holder.jobId} (pid ${holder.pid}${where}, since ` +
        `${holder.since}); stop that job first, or delete ${join(runDir, RUN_LOCK_FILE)} if it no ` +
        'longer runs'
    )
  }
}

/** A held lock; `takenOver` names the dead trainer whose stale lock was replaced, if any. */
export interface RunLock {
  takenOver: RunLockHolder | null
  /** Removes the lock (only if it is still this process's own). */
  release(): Promise<void>
}

/** Whether a process with this id runs (on this machine). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function lockPath(runDir: string): string {
  return join(resolve(runDir), RUN_LOCK_FILE)
}

/** What the lock file says: its holder, `unreadable`, or null when there is none. */
function readLock(path: string): RunLockHolder | 'unreadable' | null {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  try {
    const h = JSON.parse(text) as Partial<RunLockHolder>
    if (typeof h.pid === 'number' && typeof h.jobId === 'string')
      return { pid: h.pid, jobId: h.jobId, host: h.host ?? hostname(), since: h.since ?? '?' }
  } catch {
    /* a lock being written, or a broken one */
  }
  return 'unreadable'
}

/** Whether a holder still trains: its process runs here, or it is on another machine. */
function isLive(holder: RunLockHolder): boolean {
  return holder.host !== hostname() || isRunning(holder.pid)
}

/**
 * Who trains `runDir` now, or null when nobody does (no lock, or a stale one). An unreadable lock
 * counts as held for {@link UNREADABLE_LOCK_GRACE_MS} after it was written.
 */
export function runLockHolder(runDir: string): RunLockHolder | null {
  const path = lockPath(runDir)
  const holder = readLock(path)
  if (holder === null) return null
  if (holder !== 'unreadable') return isLive(holder) ? holder : null
  let mtime: Date
  try {
    mtime = statSync(path).mtime
  } catch {
    return null
  }
  const young = Date.now() - mtime.getTime() < UNREADABLE_LOCK_GRACE_MS
  return young ? { pid: 0, jobId: 'unknown', host: hostname(), since: mtime.toISOString() } : null
}

/** Throws a {@link RunLockedError} when another job trains `runDir`. */
export function assertRunFree(runDir: string): void {
  const holder = runLockHolder(runDir)
  if (holder) throw new RunLockedError(resolve(runDir), holder)
}

/**
 * Moves the lock file aside atomically (rename), so that of two processes replacing the same
 * stale lock only one moves it; says what it held (`gone` when another process moved it first).
 */
async function moveAside(
  path: string
): Promise<{ held: RunLockHolder | 'unreadable'; aside: string } | 'gone'> {
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.stale`
  try {
    await rename(path, aside)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone'
    throw err
  }
  return { held: readLock(aside) ?? 'unreadable', aside }
}

/**
 * Takes the lock of `runDir` (which must exist) for this process and `jobId`: created with
 * O_EXCL, so two trainers never both hold it. A stale lock (its process is gone) is replaced;
 * a live one throws a {@link RunLockedError} naming the run and its holder.
 */
export async function acquireRunLock(runDir: string, jobId: string): Promise<RunLock> {
  const path = lockPath(runDir)
  const me: RunLockHolder = {
    pid: process.pid,
    jobId,
    host: hostname(),
    since: new Date().toISOString()
  }
  let takenOver: RunLockHolder | null = null
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, JSON.stringify(me) + '\n', { flag: 'wx' })
      return {
        takenOver,
        release: async () => {
          const now = readLock(path)
          if (now !== null && now !== 'unreadable' && now.pid === me.pid && now.jobId === jobId)
            await rm(path, { force: true })
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const holder = runLockHolder(runDir)
    if (holder) throw new RunLockedError(resolve(runDir), holder)
    const moved = await moveAside(path)
    if (moved === 'gone') continue
    const { held, aside } = moved
    if (held !== 'unreadable' && isLive(held)) {
      // another trainer took the lock since we looked: put it back (unless a newer one is there)
      await link(aside, path).catch(() => undefined)
      await rm(aside, { force: true })
      throw new RunLockedError(resolve(runDir), held)
    }
    await rm(aside, { force: true })
    if (held !== 'unreadable') takenOver = held
  }
  throw new Error(`${path}: could not take the run's lock (other trainers keep replacing it)`)
}
