/**
 * Folders the renderer may read from and write to: opened datasets, chosen folders, `--data`.
 * Every check resolves real paths first, so a symbolic link inside an allowed folder cannot
 * lead out of it, and `..`, `/data-evil` beside `/data` and the like stay outside.
 */
import { realpath, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { isInside } from '../data/label-store'

/**
 * The real path of `path`, or for a path that does not exist yet (an output folder) the real
 * path of its nearest existing ancestor with the missing names appended.
 */
export async function realPathOrParent(path: string): Promise<string> {
  const abs = resolve(path)
  const missing: string[] = []
  let at = abs
  for (;;) {
    try {
      return join(await realpath(at), ...missing.reverse())
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      const parent = dirname(at)
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === at) throw err
      missing.push(basename(at))
      at = parent
    }
  }
}

/** A set of allowed folders, held as real paths; anything really inside one of them is allowed. */
export class AllowList {
  private readonly roots = new Set<string>()

  /** Allows the folder `dir` (which must exist) and everything inside it; returns its path. */
  async add(dir: string): Promise<string> {
    const abs = resolve(dir)
    const real = await realpath(abs).catch(() => {
      throw new Error(`${abs}: no such folder`)
    })
    if (!(await stat(real)).isDirectory()) throw new Error(`${abs}: not a folder`)
    this.roots.add(real)
    return abs
  }

  /** Whether `path`, after resolving symbolic links, lies inside an allowed folder. */
  async allows(path: string): Promise<boolean> {
    const real = await realPathOrParent(path).catch(() => null)
    if (real === null) return false
    for (const root of this.roots) if (isInside(root, real)) return true
    return false
  }

  /** Returns the absolute path, or throws a clear error naming it when it is not allowed. */
  async check(path: string, what = 'path'): Promise<string> {
    if (!(await this.allows(path)))
      throw new Error(
        `${what} ${path} is outside the opened folders: open its dataset or choose the folder first`
      )
    return resolve(path)
  }
}
