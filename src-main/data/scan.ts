import { readdir, stat } from 'node:fs/promises'
import { basename, extname, join, relative, resolve } from 'node:path'
import type { DatasetProblem, DatasetScan, Sample } from './dataset'
import { naturalCompare } from './natural-sort'

/** File extensions read as images (case-insensitive). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.tif', '.tiff']
/** Folder names holding images in the flat-pairs layout. */
export const IMAGE_DIR_NAMES = ['images', 'imgs', 'image']
/** Folder names holding masks in the flat-pairs layout. */
export const MASK_DIR_NAMES = ['masks', 'labels', 'label']
/** Suffixes allowed after the image stem in a mask file name (`cell_01_mask.png`). */
export const MASK_SUFFIXES = [
  '_mask',
  '-mask',
  '_masks',
  '_label',
  '-label',
  '_labels',
  '_seg',
  '_gt'
]

/** True when the file name has an image extension this app reads. */
export function isImageFile(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(name).toLowerCase())
}

/** File name without its extension. */
export function fileStem(name: string): string {
  return basename(name, extname(name))
}

interface Listing {
  files: string[]
  dirs: string[]
  /** Symbolic links that cannot be followed, with the error code. */
  broken: { name: string; code: string }[]
}

/** Visible entries of a folder in natural order, following symlinks; throws with the folder named. */
async function listDir(dir: string): Promise<Listing> {
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (err) {
    throw new Error(`cannot read folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? err}`)
  }
  const out: Listing = { files: [], dirs: [], broken: [] }
  for (const e of entries) {
    if (e.name.startsWith('.')) continue
    let isDir = e.isDirectory()
    if (e.isSymbolicLink()) {
      const target = await stat(join(dir, e.name)).catch((err: NodeJS.ErrnoException) => {
        out.broken.push({ name: e.name, code: err.code ?? String(err) })
        return null
      })
      if (!target) continue
      isDir = target.isDirectory()
    }
    ;(isDir ? out.dirs : out.files).push(e.name)
  }
  out.files.sort(naturalCompare)
  out.dirs.sort(naturalCompare)
  return out
}

function findDir(dirs: string[], names: string[]): string | undefined {
  return names.map((n) => dirs.find((d) => d.toLowerCase() === n)).find((d) => d !== undefined)
}

async function hasImagesSubdir(dir: string): Promise<boolean> {
  return stat(join(dir, 'images')).then(
    (s) => s.isDirectory(),
    () => false
  )
}

async function countSampleDirs(root: string, dirs: string[]): Promise<number> {
  const flags = await Promise.all(dirs.map((d) => hasImagesSubdir(join(root, d))))
  return flags.filter(Boolean).length
}

/**
 * Detect a dataset's layout and list its samples without decoding any pixels.
 * DSB2018 (`<id>/images/` + `<id>/masks/`), flat pairs (`images/` + `masks/`) or images only.
 * A folder holding exactly one subfolder that is a DSB2018 root (like `stage1_train`) is accepted.
 */
export async function scanDataset(dir: string): Promise<DatasetScan> {
  const root = resolve(dir)
  const top = await listDir(root)
  const imageDir = findDir(top.dirs, IMAGE_DIR_NAMES)
  if (imageDir) return scanFlat(root, imageDir, findDir(top.dirs, MASK_DIR_NAMES))
  if ((await countSampleDirs(root, top.dirs)) > 0) {
    const scan = await scanDsb(root, top.dirs)
    for (const f of top.files.filter(isImageFile))
      scan.problems.push({
        file: join(root, f),
        reason:
          'an image beside the sample folders is not read: a DSB2018 sample is <id>/images/<id>.png (to predict loose images, put them in a folder of their own)'
      })
    return scan
  }
  if (top.dirs.length === 1 && !top.files.some(isImageFile)) {
    const inner = join(root, top.dirs[0])
    const innerTop = await listDir(inner)
    if ((await countSampleDirs(inner, innerTop.dirs)) > 0) {
      const scan = await scanDsb(inner, innerTop.dirs)
      scan.notes.push(`using ${top.dirs[0]}/ inside ${root}: it holds the per-sample folders`)
      return scan
    }
  }
  const images = top.files.filter(isImageFile)
  if (images.length > 0) {
    const samples = images.map((f) => ({ id: fileStem(f), imagePath: join(root, f) }))
    return { root, layout: 'images-only', samples, problems: [], notes: [] }
  }
  throw new Error(
    `no dataset found in ${root}: expected <id>/images/ + <id>/masks/ folders (DSB2018), ` +
      `images/ + masks/ folders (flat pairs) or image files (PNG, JPEG, TIFF)`
  )
}

async function scanDsb(root: string, dirs: string[]): Promise<DatasetScan> {
  const problems: DatasetProblem[] = []
  const found: { sample: Sample; masks: string[] | null }[] = []
  for (const b of (await listDir(root)).broken) {
    problems.push({ sample: b.name, file: join(root, b.name), reason: brokenReason(b.code) })
  }
  for (const id of dirs) {
    const sampleDir = join(root, id)
    try {
      const inner = await listDir(sampleDir)
      for (const b of inner.broken) {
        problems.push({ sample: id, file: join(sampleDir, b.name), reason: brokenReason(b.code) })
      }
      if (!inner.dirs.includes('images')) {
        problems.push({
          sample: id,
          file: sampleDir,
          reason: 'not a sample folder: no images/ inside'
        })
        continue
      }
      const images = await imageFiles(join(sampleDir, 'images'), id, problems)
      if (images.length === 0) {
        problems.push({ sample: id, file: join(sampleDir, 'images'), reason: 'no image file' })
        continue
      }
      const preferred = images.find((f) => fileStem(f) === id) ?? images[0]
      if (images.length > 1) {
        const reason = `${images.length} images in images/, using ${basename(preferred)}`
        problems.push({ sample: id, file: join(sampleDir, 'images'), reason })
      }
      const masks = inner.dirs.includes('masks')
        ? await imageFiles(join(sampleDir, 'masks'), id, problems)
        : null
      if (inner.files.includes('masks')) {
        const reason = 'masks is a file, not a folder'
        problems.push({ sample: id, file: join(sampleDir, 'masks'), reason })
        continue
      }
      if (inner.broken.some((b) => b.name === 'masks')) continue
      found.push({ sample: { id, imagePath: preferred }, masks })
    } catch (err) {
      problems.push({ sample: id, file: sampleDir, reason: (err as Error).message })
    }
  }
  // A DSB test set has no masks at all: then every sample is image-only, not a problem
  const anyMasks = found.some((f) => f.masks && f.masks.length > 0)
  const samples: Sample[] = []
  for (const { sample, masks } of found) {
    if (!anyMasks) samples.push(sample)
    else if (masks && masks.length > 0) samples.push({ ...sample, instanceMaskPaths: masks })
    else {
      const file = join(root, sample.id, 'masks')
      problems.push({
        sample: sample.id,
        file,
        reason: masks ? 'no mask files' : 'no masks/ folder'
      })
    }
  }
  return { root, layout: 'dsb2018', samples, problems, notes: [] }
}

function brokenReason(code: string): string {
  return `symbolic link that cannot be followed (${code})`
}

/** Image files of a folder as full paths; other files are reported as problems. */
async function imageFiles(dir: string, sample: string | undefined, problems: DatasetProblem[]) {
  const { files, broken } = await listDir(dir)
  for (const b of broken)
    problems.push({ sample, file: join(dir, b.name), reason: brokenReason(b.code) })
  for (const f of files.filter((f) => !isImageFile(f))) {
    problems.push({ sample, file: join(dir, f), reason: 'not an image file (PNG, JPEG or TIFF)' })
  }
  return files.filter(isImageFile).map((f) => join(dir, f))
}

/** Stem of a mask file with a known mask suffix removed (`a_mask` → `a`). */
function maskBaseStem(stem: string): string {
  const lower = stem.toLowerCase()
  const suffix = MASK_SUFFIXES.find((s) => lower.endsWith(s) && lower.length > s.length)
  return suffix ? stem.slice(0, stem.length - suffix.length) : stem
}

async function scanFlat(root: string, imageDir: string, maskDir?: string): Promise<DatasetScan> {
  const problems: DatasetProblem[] = []
  const images = await imageFiles(join(root, imageDir), undefined, problems)
  const samples: Sample[] = []
  const seen = new Map<string, string>()
  for (const path of images) {
    const id = fileStem(path)
    const other = seen.get(id)
    if (other) {
      const reason = `same name as ${relative(root, other)}, skipped`
      problems.push({ sample: id, file: path, reason })
      continue
    }
    seen.set(id, path)
    samples.push({ id, imagePath: path })
  }
  if (!maskDir) return { root, layout: 'images-only', samples, problems, notes: [] }
  const masks = await imageFiles(join(root, maskDir), undefined, problems)
  const exact = new Map(masks.map((m) => [fileStem(m), m]))
  const bySuffix = new Map(masks.map((m) => [maskBaseStem(fileStem(m)), m]))
  const used = new Set<string>()
  for (const s of samples) {
    const mask = exact.get(s.id) ?? bySuffix.get(s.id)
    if (mask) {
      s.maskPath = mask
      used.add(mask)
    } else {
      problems.push({
        sample: s.id,
        file: s.imagePath,
        reason: `no mask for this image in ${maskDir}/`
      })
    }
  }
  for (const m of masks.filter((m) => !used.has(m))) {
    problems.push({ file: m, reason: `mask with no matching image in ${imageDir}/` })
  }
  return { root, layout: 'flat-pairs', samples, problems, notes: [] }
}
