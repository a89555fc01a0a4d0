/**
 * Writes that survive a crash or a power cut: files are flushed to disk before the rename that
 * publishes them, and the folder is flushed after it. Leftover temp files of dead processes are
 * removed on the next start.
 */
import { randomBytes } from 'node:crypto'
import { open, readdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** Writes `data` to `path` and flushes it to disk before returning. */
export async function writeFileSynced(path: string, data: string | Uint8Array): Promise<void> {
  const file = await open(path, 'w')
  try {
    await file.writeFile(data)
    await file.sync()
  } finally {
    await file.close()
  }
}

/** Appends `data` to `path` and flushes it to disk before returning. */
export async function appendFileSynced(path: string, data: string): Promise<void> {
  const file = await open(path, 'a')
  try {
    await file.appendFile(data)
    await file.sync()
  } finally {
    await file.close()
  }
}

/**
 * Flushes a folder's entries (a file created or renamed in it) to disk. Where folders cannot be
 * opened or flushed (Windows, some network file systems) this is a no-op.
 */
export async function syncFolder(dir: string): Promise<void> {
  let handle
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (!['EISDIR', 'EPERM', 'EINVAL', 'ENOTSUP', 'EACCES'].includes(code ?? '')) throw err
  } finally {
    await handle?.close()
  }
}

/**
 * Write a file atomically: write a temp file in the same folder and flush it, then rename it
 * over the target and flush the folder. Readers see either the old file or the complete new
 * one, never a partial write, even after a crash. `flush: false` skips the flushes for bulk
 * outputs a re-run recreates (still never partial after a killed process).
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  opts: { flush?: boolean } = {}
): Promise<void> {
  const flush = opts.flush ?? true
  const tmp = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  )
  try {
    await (flush ? writeFileSynced(tmp, data) : writeFile(tmp, data))
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
  if (flush) await syncFolder(dirname(path))
}

/** Temp names this module and `writeFolderAtomic` use, with the writer's process id. */
const TEMP_NAMES = [/^\..+\.(\d+)\.[0-9a-f]+\.tmp$/, /^\..+\.(?:tmp|old)-(\d+)$/]

/** Whether a process with this id is running (EPERM: it runs as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The writer's process id when `name` is one of our temp names, else null. */
export function tempOwner(name: string): number | null {
  for (const re of TEMP_NAMES) {
    const m = re.exec(name)
    if (m) return Number(m[1])
  }
  return null
}

/**
 * Removes temp files and folders in `dir` left by processes that are no longer running (a
 * crash or kill during a write); returns the names removed. A missing folder is fine.
 */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[])
  const stale = names.filter((n) => {
    const pid = tempOwner(n)
    return pid !== null && pid !== process.pid && !processAlive(pid)
  })
  for (const name of stale) await rm(join(dir, name), { recursive: true, force: true })
  return stale
}
