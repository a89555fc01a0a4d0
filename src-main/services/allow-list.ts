/** Folders the renderer may read from and write to: opened datasets, chosen outputs, `--data`. */
import { resolve } from 'node:path'
import { isInside } from '../data/label-store'

/** A set of allowed folders; anything inside one of them is allowed. */
export class AllowList {
  private readonly roots = new Set<string>()

  /** Allows `dir` and everything inside it (its `.unet-studio` included). */
  add(dir: string): string {
    const abs = resolve(dir)
    this.roots.add(abs)
    return abs
  }

  /** Whether `path` lies inside an allowed folder. */
  allows(path: string): boolean {
    const abs = resolve(path)
    for (const root of this.roots) if (isInside(root, abs)) return true
    return false
  }

  /** Returns the absolute path, or throws a clear error naming it when it is not allowed. */
  check(path: string, what = 'path'): string {
    if (!this.allows(path))
      throw new Error(
        `${what} ${path} is outside the opened folders: open its dataset or choose the folder first`
      )
    return resolve(path)
  }
}
