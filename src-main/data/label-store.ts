/**
 * Where edited labels live and how the effective label of a sample is found.
 *
 * Edited labels go to `<dataset>/.unet-studio/labels/<id>.png`, never over the dataset's own
 * masks: 8-bit for binary (0/255) and class-index labels, 16-bit for instance ids. The effective
 * label of a sample is the edited one if present, else the dataset's own (instance masks merged
 * into an id map for DSB-style samples), else an empty binary label of the image's size.
 * Training and export should read labels through {@link readEffectiveLabel} so edits count.
 */
import { mkdir, realpath, stat } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { scanDataset, type DatasetScan, type Sample } from './dataset'
import { checkPixels } from './image-header'
import {
  encodeImage,
  floatToDisplay16,
  readAnyImage,
  readImage,
  writeImage,
  type RawImage
} from './image-io'
import { readImageSize } from './image-size'
import { classifyMaskValues, distinctValues, maskChannel } from './mask-values'
import { boundaryFromInstances, labelComponents } from './instances'
import { readLabel, type Label, type LabelMode } from './labels'
import type { LabelKind } from '../../src-preload/contract'

/** Folder (inside the dataset) holding edited labels. */
export const EDITED_LABELS_DIR = join('.unet-studio', 'labels')

/** A label in memory: binary 0/1 or class indices (8-bit), or instance ids (16-bit). */
export interface EditableLabel {
  data: Uint8Array | Uint16Array
  width: number
  height: number
  kind: LabelKind
}

/** The effective label of a sample and where it came from. */
export interface StoredLabel extends EditableLabel {
  source: 'edited' | 'dataset' | 'predicted' | 'empty'
  /** File it was read from (edited label or dataset mask), `null` for an empty label. */
  path: string | null
}

/** True when `path` is `root` itself or inside it (lexically). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path))
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/** Throws unless `path` (after resolving symlinks) lies inside `root`. */
export async function assertInsideDataset(root: string, path: string): Promise<void> {
  const realRoot = await realpath(root)
  const real = await realpath(path).catch(() => resolve(path))
  if (!isInside(realRoot, real)) throw new Error(`${path} is outside the dataset ${root}`)
}

/** Path of the edited label for sample `id` (the id may not escape the labels folder). */
export function editedLabelPath(root: string, id: string): string {
  const dir = resolve(root, EDITED_LABELS_DIR)
  const path = resolve(dir, `${id}.png`)
  if (!id || !path.startsWith(dir + sep))
    throw new Error(`Invalid sample id: ${JSON.stringify(id)}`)
  return path
}

const scans = new Map<string, Promise<DatasetScan>>()

/** Remembers the scan of `root` (made when it was opened), so samples are found without rescanning. */
export function rememberScan(root: string, scan: DatasetScan): void {
  scans.set(resolve(root), Promise.resolve(scan))
}

/** Finds sample `id` in the dataset at `root` (scan cached; rescanned once when missing). */
export async function findSample(root: string, id: string): Promise<Sample> {
  const key = resolve(root)
  if (!(await stat(key)).isDirectory()) throw new Error(`Not a folder: ${root}`)
  for (let attempt = 0; attempt < 2; attempt++) {
    if (attempt === 1 || !scans.has(key)) scans.set(key, scanDataset(key))
    const scan = await scans.get(key)!.catch((err) => {
      scans.delete(key)
      throw err
    })
    const sample = scan.samples.find((s) => s.id === id)
    if (sample) return sample
  }
  throw new Error(`No sample "${id}" in ${root}`)
}

/**
 * Reads the sample's effective label: edited, else the dataset's own, else empty. `kind` reads
 * it as that label type (the project's); without it the values decide.
 */
export async function readEffectiveLabel(
  root: string,
  sample: Sample,
  opts: { kind?: LabelKind } = {}
): Promise<StoredLabel> {
  const edited = editedLabelPath(root, sample.id)
  if (await exists(edited)) {
    await assertInsideDataset(root, edited)
    const img = await readLabelImage(edited)
    await assertSameSize(sample, img, edited)
    const kind = opts.kind ?? (img.bitDepth === 16 ? 'instances' : undefined)
    let label = labelFromImage(img, edited, { kind })
    if (!kind && label.data.every((v) => v === 0)) {
      const own = await readOwnLabel(root, sample)
      if (own) label = labelFromImage(img, edited, { hint: own.kind })
    }
    return { ...label, source: 'edited', path: edited }
  }
  const own = await readOwnLabel(root, sample, opts.kind)
  if (own) return own
  await assertInsideDataset(root, sample.imagePath)
  const { width, height } = await readImageSize(sample.imagePath).catch((err: Error) => {
    throw new Error(`${sample.imagePath}: unreadable image (${err.message})`)
  })
  checkPixels(sample.imagePath, width, height)
  return { ...createEmpty(width, height, opts.kind ?? 'binary'), source: 'empty', path: null }
}

function createEmpty(width: number, height: number, kind: LabelKind): EditableLabel {
  const n = width * height
  const data = kind === 'instances' ? new Uint16Array(n) : new Uint8Array(n)
  return { data, width, height, kind }
}

/** Decodes a label file; an unreadable one is an error naming the file and the reason. */
async function readLabelImage(file: string): Promise<RawImage> {
  try {
    return await readImage(file)
  } catch (err) {
    throw new Error(`${file}: unreadable label (${(err as Error).message})`)
  }
}

async function readOwnLabel(
  root: string,
  sample: Sample,
  kind?: LabelKind
): Promise<StoredLabel | null> {
  if (sample.instanceMaskPaths?.length) {
    for (const p of sample.instanceMaskPaths) await assertInsideDataset(root, p)
    const path = dirname(sample.instanceMaskPaths[0])
    if (kind === 'binary' || kind === 'classes') {
      const union = await readLabel(sample, 'binary')
      const data = union.data instanceof Uint8Array ? union.data : Uint8Array.from(union.data)
      const { width, height } = union
      return { data, width, height, kind, source: 'dataset', path }
    }
    const merged = await readLabel(sample, 'instances')
    const data = merged.data instanceof Uint16Array ? merged.data : Uint16Array.from(merged.data)
    const { width, height } = merged
    return { data, width, height, kind: 'instances', source: 'dataset', path }
  }
  if (!sample.maskPath) return null
  await assertInsideDataset(root, sample.maskPath)
  const img = await readLabelImage(sample.maskPath)
  await assertSameSize(sample, img, sample.maskPath)
  const label = labelFromImage(img, sample.maskPath, { kind })
  return { ...label, source: 'dataset', path: sample.maskPath }
}

/**
 * Interprets a mask image as a label, with the data helper's value heuristic: {0,1} or {0,255} →
 * binary 0/1; small 8-bit values → class indices; otherwise instance ids (16-bit). `kind` forces
 * the interpretation (edited 16-bit files are always instances); `hint` settles an all-zero mask.
 */
export function labelFromImage(
  img: RawImage,
  file: string,
  opts: { kind?: LabelKind; hint?: LabelKind } = {}
): EditableLabel {
  const { width, height } = img
  const values = maskChannel(img, file)
  const found = classifyMaskValues(distinctValues(values), img.bitDepth)
  const kind: LabelKind =
    opts.kind ??
    (found === 'empty'
      ? (opts.hint ?? 'binary')
      : found === 'class-index'
        ? 'classes'
        : found === 'instance-id'
          ? 'instances'
          : 'binary')
  if (kind === 'instances') {
    const ids = found === 'instance-id' || found === 'empty' ? Uint16Array.from(values) : null
    return { data: ids ?? labelComponents(values, width, height).ids, width, height, kind }
  }
  const data = new Uint8Array(values.length)
  if (kind === 'binary') for (let i = 0; i < data.length; i++) data[i] = values[i] ? 1 : 0
  else for (let i = 0; i < data.length; i++) data[i] = Math.min(255, values[i])
  return { data, width, height, kind }
}

/** Saves an edited label atomically to `.unet-studio/labels/<id>.png`; returns the path. */
export async function saveEditedLabel(
  root: string,
  sample: Sample,
  label: EditableLabel
): Promise<string> {
  const { width, height, kind } = label
  if (label.data.length !== width * height) {
    throw new Error(`label size ${label.data.length} does not match ${width}x${height}`)
  }
  const path = editedLabelPath(root, sample.id)
  const size = await readImageSize(sample.imagePath)
  if (size.width !== width || size.height !== height) {
    throw new Error(`label is ${width}x${height} but ${sample.id} is ${size.width}x${size.height}`)
  }
  await mkdir(dirname(path), { recursive: true })
  let data: Uint8Array | Uint16Array
  if (kind === 'instances')
    data = label.data instanceof Uint16Array ? label.data : Uint16Array.from(label.data)
  else if (kind === 'binary') data = Uint8Array.from(label.data, (v) => (v ? 255 : 0))
  else data = label.data instanceof Uint8Array ? label.data : Uint8Array.from(label.data)
  await writeImage(path, {
    data,
    width,
    height,
    channels: 1,
    bitDepth: kind === 'instances' ? 16 : 8
  })
  return path
}

async function assertSameSize(sample: Sample, img: RawImage, file: string): Promise<void> {
  const size = await readImageSize(sample.imagePath).catch((err: Error) => {
    throw new Error(`${sample.imagePath}: unreadable image (${err.message})`)
  })
  if (size.width !== img.width || size.height !== img.height) {
    throw new Error(
      `${file}: label is ${img.width}x${img.height} but its image is ${size.width}x${size.height}`
    )
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false
  )
}

/**
 * The label training (and evaluation) should use for a sample, in `mode`: the edited label
 * converted to that mode when one exists (so corrections join training, and images annotated
 * from scratch count), else the data helper's {@link readLabel} of the dataset's own masks.
 */
export async function readTrainingLabel(
  root: string,
  sample: Sample,
  mode: LabelMode
): Promise<Label> {
  if (!(await exists(editedLabelPath(root, sample.id)))) return readLabel(sample, mode)
  const { data, width, height, kind } = await readEffectiveLabel(root, sample)
  if (mode === 'classes' && kind !== 'instances') return { data, width, height }
  if (mode === 'binary' || mode === 'classes') {
    return { data: Uint8Array.from(data, (v) => (v ? 1 : 0)), width, height }
  }
  const instances =
    kind === 'instances'
      ? { ids: data as Uint16Array, instances: new Set(data).size - (data.includes(0) ? 1 : 0) }
      : labelComponents(data, width, height)
  if (mode === 'instances')
    return { data: instances.ids, width, height, instances: instances.instances }
  const boundary = boundaryFromInstances(instances.ids, width, height)
  return { data: boundary, width, height, instances: instances.instances }
}

/** An image prepared for display: PNG bytes for 8-bit, raw little-endian samples for 16-bit. */
export interface DisplayImage {
  format: 'png' | 'raw'
  bytes: Uint8Array
  width: number
  height: number
  channels: number
  bitDepth: 8 | 16
  /** For a float image: the real values that 0 and 65535 of the 16-bit samples stand for. */
  valueRange?: { min: number; max: number }
}

/**
 * Reads a sample's image for the editor (alpha dropped; 16-bit kept raw for windowing). A float
 * image is sent as 16-bit samples spanning its value range, with that range.
 */
export async function readDisplayImage(root: string, sample: Sample): Promise<DisplayImage> {
  await assertInsideDataset(root, sample.imagePath)
  const any = await readAnyImage(sample.imagePath).catch((err: Error) => {
    throw new Error(`${sample.imagePath}: unreadable image (${err.message})`)
  })
  const float = any.bitDepth === 32 ? floatToDisplay16(any) : null
  const img = float ? float.image : (any as RawImage)
  const { width, height, channels, bitDepth } = img
  if (bitDepth === 8) {
    return { format: 'png', bytes: await encodeImage(img), width, height, channels, bitDepth }
  }
  const bytes = new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength)
  const valueRange = float ? { min: float.min, max: float.max } : undefined
  return { format: 'raw', bytes, width, height, channels, bitDepth, ...(float && { valueRange }) }
}
