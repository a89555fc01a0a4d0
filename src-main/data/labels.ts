import { readFile } from 'node:fs/promises'
import type { Sample } from './dataset'
import {
  checkPixels,
  decoder,
  ImageRefusedError,
  readImageHeader,
  sampleWords
} from './image-header'
import { readImage } from './image-io'
import { readImageSize } from './image-size'
import {
  binaryFromInstances,
  boundaryFromInstances,
  createInstanceMap,
  DEFAULT_BOUNDARY_CONNECTIVITY,
  labelComponents,
  paintInstance,
  type Connectivity,
  type InstanceMap
} from './instances'
import { mapLimit } from './map-limit'
import { classifyMaskValues, distinctValues, maskChannel, type MaskValueKind } from './mask-values'

/** What {@link readLabel} returns: binary 0/1, ids 1..n, 0/1/2 boundary classes or class indices. */
export type LabelMode = 'binary' | 'instances' | 'boundary' | 'classes'

/** A label in memory, with what was learnt while building it. */
export interface Label {
  data: Uint8Array | Uint16Array
  width: number
  height: number
  /** Instance files merged (DSB) or instances found (instances/boundary of flat masks). */
  instances?: number
  /** Pixels covered by more than one instance mask. */
  overlaps?: number
  /** Value kind of a flat mask file. */
  valueKind?: MaskValueKind
}

/** Options for {@link readLabel}. */
export interface ReadLabelOptions {
  /** Mask files decoded at once for DSB samples. */
  concurrency?: number
  connectivity?: Connectivity
}

/** How many instance mask files are decoded at once by default. */
export const DEFAULT_MASK_CONCURRENCY = 4

/** A label could not be built; `file` names the file at fault. */
export class LabelError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string
  ) {
    super(`${file}: ${reason}`)
    this.name = 'LabelError'
  }
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

async function imageSize(sample: Sample) {
  let size
  try {
    size = await readImageSize(sample.imagePath)
  } catch (err) {
    throw new LabelError(sample.imagePath, `unreadable image: ${reasonOf(err)}`)
  }
  try {
    checkPixels(sample.imagePath, size.width, size.height)
  } catch (err) {
    throw new LabelError(sample.imagePath, (err as ImageRefusedError).reason)
  }
  return size
}

/**
 * True when the mask file holds 16-bit samples, checked from its header with the pixel limit
 * (PNG: the IHDR bytes, a fast path worth having for thousands of DSB masks; others: sharp).
 */
async function isSixteenBit(file: string, bytes: Buffer): Promise<boolean> {
  if (bytes.length > 25 && bytes.readUInt32BE(0) === 0x89504e47) {
    checkPixels(file, bytes.readUInt32BE(16), bytes.readUInt32BE(20))
    return bytes[24] === 16
  }
  const header = await readImageHeader(bytes, file)
  if (!header.plain) throw new ImageRefusedError(file, `${sampleWords(header)} samples in a mask`)
  return header.bits === 16
}

/**
 * Decode one per-instance mask as one channel. Each file's own bit depth is checked: an 8-bit
 * conversion would turn the 16-bit value 1 into 0, so 16-bit files keep their values.
 */
async function decodeInstanceMask(file: string) {
  const bytes = await readFile(file)
  if (await isSixteenBit(file, bytes)) {
    const img = await readImage(file)
    return { data: maskChannel(img, file), width: img.width, height: img.height }
  }
  const { data, info } = await decoder(bytes)
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true })
  const gray = info.channels === 1 ? data : maskChannel({ ...info, data, bitDepth: 8 }, file)
  return { data: gray, width: info.width, height: info.height }
}

/**
 * Merge a DSB sample's per-instance mask files into an id map (file k → id k + 1, later file
 * wins on overlap). Every mask must have the image's size: a mismatch is an error naming the file.
 */
export async function readInstanceMap(
  sample: Sample,
  opts: ReadLabelOptions = {}
): Promise<InstanceMap> {
  const files = sample.instanceMaskPaths ?? []
  if (files.length === 0) throw new LabelError(sample.imagePath, 'sample has no instance masks')
  const { width, height } = await imageSize(sample)
  const map = createInstanceMap(width, height)
  await mapLimit(files, opts.concurrency ?? DEFAULT_MASK_CONCURRENCY, async (file, k) => {
    let mask
    try {
      mask = await decodeInstanceMask(file)
    } catch (err) {
      throw new LabelError(file, `unreadable mask: ${reasonOf(err)}`)
    }
    if (mask.width !== width || mask.height !== height) {
      const reason = `mask is ${mask.width}x${mask.height} but its image is ${width}x${height}`
      throw new LabelError(file, reason)
    }
    paintInstance(map, mask.data, k + 1)
  })
  return map
}

/**
 * Read a sample's label. DSB samples merge their instance files (binary and classes: 0/1;
 * instances: ids 1..n; boundary: 0 bg / 1 interior / 2 boundary). Flat masks: 0/255 becomes
 * 0/1, class indices are kept, instance ids are kept (a binary mask gets connected components).
 */
export async function readLabel(
  sample: Sample,
  mode: LabelMode,
  opts: ReadLabelOptions = {}
): Promise<Label> {
  const connectivity = opts.connectivity ?? DEFAULT_BOUNDARY_CONNECTIVITY
  if (sample.instanceMaskPaths?.length) {
    const map = await readInstanceMap(sample, opts)
    const { ids, width, height, instances, overlaps } = map
    const data =
      mode === 'instances'
        ? ids
        : mode === 'boundary'
          ? boundaryFromInstances(ids, width, height, connectivity)
          : binaryFromInstances(ids)
    return { data, width, height, instances, overlaps }
  }
  if (!sample.maskPath) throw new LabelError(sample.imagePath, 'sample has no mask')
  return readFlatLabel(sample, sample.maskPath, mode, connectivity)
}

async function readFlatLabel(
  sample: Sample,
  file: string,
  mode: LabelMode,
  connectivity: Connectivity
): Promise<Label> {
  const size = await imageSize(sample)
  let img
  let values
  try {
    img = await readImage(file)
    values = maskChannel(img, file)
  } catch (err) {
    throw new LabelError(file, `unreadable mask: ${reasonOf(err)}`)
  }
  const { width, height } = img
  if (width !== size.width || height !== size.height) {
    const reason = `mask is ${width}x${height} but its image is ${size.width}x${size.height}`
    throw new LabelError(file, reason)
  }
  const valueKind = classifyMaskValues(distinctValues(values), img.bitDepth)
  const binary = valueKind === 'empty' || valueKind.startsWith('binary')
  if (mode === 'binary' || (mode === 'classes' && binary)) {
    const data = new Uint8Array(values.length)
    for (let i = 0; i < values.length; i++) data[i] = values[i] === 0 ? 0 : 1
    return { data, width, height, valueKind }
  }
  if (mode === 'classes') return { data: values, width, height, valueKind }
  const ids =
    valueKind === 'instance-id'
      ? {
          ids: Uint16Array.from(values),
          instances: distinctValues(values).filter((v) => v > 0).length
        }
      : labelComponents(values, width, height)
  const data =
    mode === 'instances' ? ids.ids : boundaryFromInstances(ids.ids, width, height, connectivity)
  return { data, width, height, instances: ids.instances, valueKind }
}
