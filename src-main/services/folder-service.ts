/**
 * Folders on disk for the browser's folder chooser: a folder's sub-folders and how many images it
 * holds. Read-only, and open to any folder: behind the web host the token holder is the user;
 * a folder becomes readable or writable for the app only once chosen (`folder:choose`).
 */
import { readdir, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import type { FolderListing } from '../../src-preload/records'
import { isImageFile } from '../data/scan'

/** Sub-folders listed at most (the rest is reported as truncated). */
export const MAX_LISTED_FOLDERS = 1000

const natural = new Intl.Collator('en', { numeric: true, sensitivity: 'base' })

/** Lists `dir` (default: the home folder): visible sub-folders in natural order, image count. */
export async function listFolder(dir?: string): Promise<FolderListing> {
  const home = homedir()
  const abs = resolve(dir ?? home)
  const info = await stat(abs).catch(() => null)
  if (!info) throw new Error(`${abs}: no such folder`)
  if (!info.isDirectory()) throw new Error(`${abs}: not a folder`)
  const entries = await readdir(abs, { withFileTypes: true }).catch(
    (err: NodeJS.ErrnoException) => {
      throw new Error(`${abs}: cannot read the folder (${err.code ?? err.message})`)
    }
  )
  const folders: string[] = []
  let images = 0
  for (const e of entries) {
    if (e.name.startsWith('.')) continue
    let isDir = e.isDirectory()
    if (e.isSymbolicLink())
      isDir = (await stat(join(abs, e.name)).catch(() => null))?.isDirectory() ?? false
    if (isDir) folders.push(e.name)
    else if (isImageFile(e.name)) images++
  }
  folders.sort(natural.compare)
  const parent = dirname(abs)
  return {
    dir: abs,
    parent: parent === abs ? null : parent,
    home,
    folders: folders.slice(0, MAX_LISTED_FOLDERS).map((name) => ({ name, path: join(abs, name) })),
    images,
    truncated: folders.length > MAX_LISTED_FOLDERS
  }
}
