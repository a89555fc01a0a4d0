/**
 * Where a prediction may write: never inside the folder it reads (nor its dataset), where its
 * `masks/` would be read back as samples or overwrite the dataset's own masks.
 * Only the dataset's own state folder (`.unet-studio/`) is fine inside it.
 */
import { existsSync } from 'node:fs'
import { basename, dirname, relative, resolve, sep } from 'node:path'
import { IMAGE_DIR_NAMES, MASK_DIR_NAMES } from '../scan'
import { isInside } from '../label-store'

/** An output folder that would land in a dataset's sample tree; the message names both. */
export class PredictOutputError extends Error {
  override name = 'PredictOutputError'
}

/** The dataset an input folder belongs to: its parent for `<root>/images` beside masks, else itself. */
export function datasetRootOf(input: string): string {
  const abs = resolve(input)
  const parent = dirname(abs)
  const isImageDir = IMAGE_DIR_NAMES.includes(basename(abs).toLowerCase())
  const hasMasks = MASK_DIR_NAMES.some((m) => existsSync(resolve(parent, m)))
  return isImageDir && hasMasks ? parent : abs
}

/** True when `path` lies in a `.unet-studio` folder of `root`. */
function inStateFolder(root: string, path: string): boolean {
  return relative(root, path).split(sep)[0] === '.unet-studio'
}

/**
 * Throws a {@link PredictOutputError} when `out` is the input's dataset or inside it (other
 * than its `.unet-studio/`).
 */
export function checkPredictOutput(input: string, out: string): void {
  const root = datasetRootOf(input)
  const dest = resolve(out)
  const suggestion = `${root}-predictions`
  if (isInside(root, dest) && !inStateFolder(root, dest))
    throw new PredictOutputError(
      `output folder ${dest} is inside the dataset ${root}: its masks and images would be read ` +
        `back as samples; choose a folder outside it, e.g. ${suggestion}`
    )
}
