import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { extname, join, parse } from 'node:path'
import { naturalCompare } from '../natural-sort'

/** File extensions read as images. */
export const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.tif', '.tiff'])

/** An input image and the stem its outputs are named after. */
export interface InputImage {
  stem: string
  path: string
}

/**
 * Images to predict in `dir`: its image files, or for a DSB2018-style folder the single image in
 * each `<id>/images/`. In natural order of stem; a stem seen twice is returned in `duplicates`.
 */
export async function listInputImages(
  dir: string
): Promise<{ images: InputImage[]; duplicates: string[] }> {
  const entries = await readdir(dir, { withFileTypes: true })
  const found: InputImage[] = []
  for (const e of entries) {
    if (e.name.startsWith('.')) continue
    if (e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())) {
      found.push({ stem: parse(e.name).name, path: join(dir, e.name) })
    } else if (e.isDirectory()) {
      const inner = join(dir, e.name, 'images')
      const files = await readdir(inner).catch(() => [] as string[])
      for (const f of files) {
        if (IMAGE_EXTENSIONS.has(extname(f).toLowerCase()))
          found.push({ stem: parse(f).name, path: join(inner, f) })
      }
    }
  }
  found.sort((a, b) => naturalCompare(a.stem, b.stem) || naturalCompare(a.path, b.path))
  const images: InputImage[] = []
  const duplicates: string[] = []
  for (const img of found) {
    if (images.length && images[images.length - 1].stem === img.stem) duplicates.push(img.path)
    else images.push(img)
  }
  return { images, duplicates }
}

/**
 * The folder whose images a prediction of `root` reads: `root` itself when it holds images (or
 * DSB sample folders), else its `images/` folder (flat pairs, images-only layouts).
 */
export async function imagesDirOf(root: string): Promise<string> {
  const { images } = await listInputImages(root)
  const sub = join(root, 'images')
  return images.length === 0 && existsSync(sub) ? sub : root
}
