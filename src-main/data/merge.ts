import { mkdir } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import sharp from 'sharp'
import { decoder, ImageRefusedError, readImageHeader, sampleWords } from './image-header'
import { writeFileAtomic } from './atomic-write'
import type { DatasetProblem, Layout, Sample } from './dataset'
import { encodeImage } from './image-io'
import {
  boundaryFromInstances,
  DEFAULT_BOUNDARY_CONNECTIVITY,
  type Connectivity,
  type MergeMode
} from './instances'
import { LabelError, readLabel } from './labels'
import { mapLimit } from './map-limit'
import { scanDataset } from './scan'

export {
  BOUNDARY_CLASSES,
  DEFAULT_BOUNDARY_CONNECTIVITY,
  MERGE_MODES,
  binaryFromInstances,
  boundaryFromInstances,
  createInstanceMap,
  mergeInstances,
  paintInstance
} from './instances'
export type { Connectivity, InstanceMap, MergeMode } from './instances'

/** Progress of {@link mergeDataset}, after each sample. */
export interface MergeProgress {
  done: number
  total: number
  sample: string
  failed: number
  masks: number
}

/** Options for {@link mergeDataset}. */
export interface MergeDatasetOptions {
  mode?: MergeMode
  /** Resize to size x size: images linear, labels nearest (boundaries found after resizing). */
  size?: number
  connectivity?: Connectivity
  onProgress?: (p: MergeProgress) => void
  /** Samples processed at once; each decodes its masks {@link DEFAULT_MASK_CONCURRENCY} at once. */
  sampleConcurrency?: number
  /** Stops starting new samples once aborted; samples already written stay complete. */
  signal?: AbortSignal
}

/** What {@link mergeDataset} did. */
export interface MergeSummary {
  root: string
  outDir: string
  layout: Layout
  mode: MergeMode
  size: number | null
  connectivity: Connectivity | null
  samples: number
  ok: number
  failed: DatasetProblem[]
  /** Problems found while scanning (those samples were not merged). */
  scanProblems: DatasetProblem[]
  masksMerged: number
  overlapPixels: number
  samplesWithOverlaps: number
  seconds: number
  masksPerSecond: number
  /** True when the signal stopped the merge before every sample was done. */
  cancelled: boolean
}

/** Samples merged at once by default. */
export const DEFAULT_SAMPLE_CONCURRENCY = 2

function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/** Refuse an output folder that could overwrite or mix with the source files. */
function checkOutDir(
  given: string,
  root: string,
  layout: Layout,
  out: string,
  samples: Sample[]
): void {
  if (out === root || out === given) {
    throw new Error(`output folder must differ from the dataset folder ${given}`)
  }
  // a folder with images/ inside a DSB root (or beside its stage1_train/) reads as a sample
  const hidden = (base: string) =>
    relative(base, out)
      .split(sep)
      .some((p) => p.startsWith('.'))
  for (const base of new Set([root, given])) {
    if (layout === 'dsb2018' && isInside(base, out) && !hidden(base)) {
      throw new Error(`output folder ${out} inside ${base} would be read as a sample folder`)
    }
  }
  const sources = new Set<string>()
  for (const s of samples) {
    sources.add(dirname(s.imagePath))
    if (s.maskPath) sources.add(dirname(s.maskPath))
    if (s.instanceMaskPaths?.length) sources.add(dirname(dirname(s.imagePath)))
  }
  for (const d of sources) {
    if (isInside(d, out)) throw new Error(`output folder ${out} is inside the source folder ${d}`)
  }
}

/** Resize a one-channel label with nearest neighbour (values are never blended). */
async function resizeNearest(data: Uint8Array | Uint16Array, w: number, h: number, size: number) {
  const sixteen = data instanceof Uint16Array
  const { data: out } = await sharp(data, { raw: { width: w, height: h, channels: 1 } })
    .resize(size, size, { kernel: 'nearest', fit: 'fill' })
    .toColourspace(sixteen ? 'grey16' : 'b-w')
    .raw({ depth: sixteen ? 'ushort' : 'uchar' })
    .toBuffer({ resolveWithObject: true })
  const copy = Buffer.from(out)
  return sixteen
    ? new Uint16Array(copy.buffer, copy.byteOffset, copy.byteLength / 2)
    : new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength)
}

/** Build one sample's label at the output size, plus counts. */
async function mergedLabel(
  sample: Sample,
  mode: MergeMode,
  size: number | undefined,
  c: Connectivity
) {
  const base = await readLabel(sample, mode === 'binary' ? 'binary' : 'instances')
  let { data, width, height } = base
  if (size && (width !== size || height !== size)) {
    data = await resizeNearest(data, width, height, size)
    width = height = size
  }
  if (mode === 'boundary') data = boundaryFromInstances(data as Uint16Array, width, height, c)
  if (mode === 'binary') data = Uint8Array.from(data, (v) => (v === 0 ? 0 : 255))
  return { data, width, height, instances: base.instances ?? 0, overlaps: base.overlaps ?? 0 }
}

/** The sample's image as an RGB or grey PNG (16-bit kept), alpha dropped, optionally resized. */
async function imagePng(path: string, size: number | undefined): Promise<Buffer> {
  const meta = await readImageHeader(path)
  if (!meta.plain)
    throw new ImageRefusedError(path, `${sampleWords(meta)} samples cannot be written as PNG`)
  const grey = meta.channels - (meta.hasAlpha ? 1 : 0) === 1
  const sixteen = meta.bits === 16
  let p = decoder(path)
    .removeAlpha()
    .toColourspace(sixteen ? (grey ? 'grey16' : 'rgb16') : grey ? 'b-w' : 'srgb')
  if (size) p = p.resize(size, size, { kernel: 'linear', fit: 'fill' })
  return p.png({ compressionLevel: 6 }).toBuffer()
}

/** The class table written beside a boundary merge, so the app names its classes. */
const BOUNDARY_CLASSES =
  'index,name,display_rgb\n0,Background,0 0 0\n1,Interior,0 200 255\n2,Boundary,255 196 0\n'

/**
 * Merge a dataset's masks into `<out>/masks/<id>.png` with copies of the images in
 * `<out>/images/<id>.png`. Sources are never written. Bad samples are reported, the rest merged.
 * Modes: binary (0/255 union), instances (16-bit ids 1..n) or boundary (0 bg, 1 interior, 2 edge,
 * named in a `classes.csv` beside them).
 */
export async function mergeDataset(
  root: string,
  outDir: string,
  opts: MergeDatasetOptions = {}
): Promise<MergeSummary> {
  const start = performance.now()
  const mode = opts.mode ?? 'binary'
  const connectivity = opts.connectivity ?? DEFAULT_BOUNDARY_CONNECTIVITY
  if (opts.size !== undefined && !(Number.isInteger(opts.size) && opts.size > 0)) {
    throw new Error(`size must be a positive integer, got ${opts.size}`)
  }
  const scan = await scanDataset(root)
  const samples = scan.samples.filter((s) => s.instanceMaskPaths?.length || s.maskPath)
  if (samples.length === 0) throw new Error(`nothing to merge: no masks found in ${scan.root}`)
  const out = resolve(outDir)
  checkOutDir(resolve(root), scan.root, scan.layout, out, samples)
  await mkdir(join(out, 'images'), { recursive: true })
  await mkdir(join(out, 'masks'), { recursive: true })
  if (mode === 'boundary') await writeFileAtomic(join(out, 'classes.csv'), BOUNDARY_CLASSES)
  const failed: DatasetProblem[] = []
  let done = 0
  let masks = 0
  let overlapPixels = 0
  let samplesWithOverlaps = 0
  let skipped = 0
  await mapLimit(samples, opts.sampleConcurrency ?? DEFAULT_SAMPLE_CONCURRENCY, async (s) => {
    if (opts.signal?.aborted) {
      skipped++
      return
    }
    try {
      const label = await mergedLabel(s, mode, opts.size, connectivity)
      const { width, height } = label
      const maskPng = await encodeImage({
        data: label.data,
        width,
        height,
        channels: 1,
        bitDepth: mode === 'instances' ? 16 : 8
      })
      const image = await imagePng(s.imagePath, opts.size).catch((err) => {
        throw new LabelError(s.imagePath, `unreadable image: ${(err as Error).message}`)
      })
      // merged pairs are recreated by a re-run: atomic, not flushed one by one
      await writeFileAtomic(join(out, 'images', `${s.id}.png`), image, { flush: false })
      await writeFileAtomic(join(out, 'masks', `${s.id}.png`), maskPng, { flush: false })
      masks += s.instanceMaskPaths?.length ?? 1
      overlapPixels += label.overlaps
      if (label.overlaps > 0) samplesWithOverlaps++
    } catch (err) {
      const file = err instanceof LabelError ? err.file : s.imagePath
      const reason = err instanceof LabelError ? err.reason : (err as Error).message
      failed.push({ sample: s.id, file, reason })
    }
    done++
    opts.onProgress?.({ done, total: samples.length, sample: s.id, failed: failed.length, masks })
  })
  const seconds = (performance.now() - start) / 1000
  return {
    root: scan.root,
    outDir: out,
    layout: scan.layout,
    mode,
    size: opts.size ?? null,
    connectivity: mode === 'boundary' ? connectivity : null,
    samples: samples.length,
    ok: samples.length - failed.length - skipped,
    failed,
    scanProblems: scan.problems,
    masksMerged: masks,
    overlapPixels,
    samplesWithOverlaps,
    seconds,
    masksPerSecond: masks / seconds,
    cancelled: skipped > 0
  }
}
