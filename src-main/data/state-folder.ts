/** The app's own folder inside a dataset (`.unet-studio/`), refused when it leads elsewhere. */
import { lstat, realpath } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { isInside } from './label-store'

/** Name of the app's folder inside a dataset. */
export const STATE_DIR = '.unet-studio'
/** Folders inside `.unet-studio/` that the app writes to. */
const WRITTEN = ['', 'labels', 'runs']

/**
 * Throws, naming the link, when `<root>/.unet-studio` (or its `labels/` or `runs/`) is a
 * symbolic link whose target lies outside the dataset: the app would write elsewhere.
 */
export async function assertOwnStateFolder(root: string): Promise<void> {
  const realRoot = await realpath(resolve(root)).catch(() => null)
  if (realRoot === null) return
  for (const sub of WRITTEN) {
    const path = join(resolve(root), STATE_DIR, sub)
    const info = await lstat(path).catch(() => null)
    if (!info?.isSymbolicLink()) continue
    const target = await realpath(path).catch(() => 'a missing target')
    if (!isInside(realRoot, target))
      throw new Error(
        `${path} is a symbolic link leading out of the dataset (to ${target}): ` +
          'remove it or replace it with a folder'
      )
  }
}
