import { access, mkdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../atomic-write'
import { type AnyImage, writeImage } from '../image-io'
import {
  COUNT_HEADER,
  countLine,
  MEASUREMENT_HEADER,
  measurementLines,
  PHYSICAL_HEADER
} from './csv'
import type { ObjectMeasurement } from './measure'
import { drawClasses, drawOutlines } from './overlay'
import { defaultClassColor } from '../../../src-preload/project'

/** What an export writes per image. */
export interface ExportSettings {
  instances: boolean
  overlay: boolean
  csv: boolean
  format: 'png' | 'tiff'
  /** Anything that changes the outputs (model, threshold, ...): a finished image is only skipped
   * when its record carries the same fingerprint. */
  fingerprint: string
}

/** Folder of per-image records: each is written last, so its presence marks a finished image. */
export const WORK_DIR = '.work'

/** Per-image summary kept in `<out>/.work/<stem>.json`; the CSVs are rebuilt from these. */
export interface ImageRecord {
  image: string
  stem: string
  width: number
  height: number
  objects: number
  foregroundArea: number
  measurements: ObjectMeasurement[]
  /** µm per pixel, when the user gave it or the image file holds it. */
  pixelSize?: number
  fingerprint: string
}

/** The files one image's export consists of. */
export function outputPaths(out: string, stem: string, s: ExportSettings): Record<string, string> {
  const ext = s.format === 'tiff' ? 'tif' : 'png'
  const paths: Record<string, string> = { mask: join(out, 'masks', `${stem}.${ext}`) }
  if (s.instances) paths.instances = join(out, 'instances', `${stem}.${ext}`)
  if (s.overlay) paths.overlay = join(out, 'overlays', `${stem}.png`)
  paths.record = join(out, WORK_DIR, `${stem}.json`)
  return paths
}

const exists = (p: string): Promise<boolean> =>
  access(p).then(
    () => true,
    () => false
  )

/** The record of a finished image (all its files present, same settings), else null. */
export async function finishedRecord(
  out: string,
  stem: string,
  s: ExportSettings
): Promise<ImageRecord | null> {
  const paths = outputPaths(out, stem, s)
  try {
    const record = JSON.parse(await readFile(paths.record, 'utf8')) as ImageRecord
    if (record.fingerprint !== s.fingerprint) return null
    const all = await Promise.all(Object.values(paths).map(exists))
    return all.every(Boolean) ? record : null
  } catch {
    return null
  }
}

/**
 * Remove what any earlier export wrote for an image (its record first, so that it no longer counts
 * as finished; then masks, instances and overlay in either format), so that a failed, cancelled or
 * re-run image never leaves another run's outputs beside this run's.
 */
export async function clearImageOutputs(out: string, stem: string): Promise<void> {
  await rm(join(out, WORK_DIR, `${stem}.json`), { force: true })
  const files = [
    ...['masks', 'instances'].flatMap((d) =>
      ['png', 'tif'].map((e) => join(out, d, `${stem}.${e}`))
    ),
    join(out, 'overlays', `${stem}.png`)
  ]
  await Promise.all(files.map((f) => rm(f, { force: true })))
}

/** Create the output folders the settings need. */
export async function prepareOutput(out: string, s: ExportSettings): Promise<void> {
  const dirs = [
    'masks',
    WORK_DIR,
    ...(s.instances ? ['instances'] : []),
    ...(s.overlay ? ['overlays'] : [])
  ]
  await Promise.all(dirs.map((d) => mkdir(join(out, d), { recursive: true })))
}

/** One image's results to export. */
export interface ImageResult {
  image: AnyImage
  /** 0/1 foreground, or class indices when `classMask`. */
  mask: Uint8Array
  classMask: boolean
  /** Class k's display colour (class masks' overlays). */
  classColour?: (k: number) => readonly [number, number, number]
  labels?: Int32Array
  record: ImageRecord
}

/** Write an image's mask, instances, overlay (each atomic), then its record last. */
export async function writeImageOutputs(
  out: string,
  stem: string,
  s: ExportSettings,
  r: ImageResult
): Promise<void> {
  const paths = outputPaths(out, stem, s)
  const { width, height } = r.image
  const maskData = r.classMask ? r.mask : r.mask.map((v) => (v ? 255 : 0))
  await writeImage(
    paths.mask,
    { data: maskData, width, height, channels: 1, bitDepth: 8 },
    s.format
  )
  if (s.instances && r.labels) {
    if (r.record.objects > 65535)
      throw new Error(`${r.record.objects} objects do not fit a 16-bit instance map`)
    const ids = Uint16Array.from(r.labels)
    await writeImage(
      paths.instances,
      { data: ids, width, height, channels: 1, bitDepth: 16 },
      s.format
    )
  }
  if (s.overlay && r.labels) await writeImage(paths.overlay, drawOutlines(r.image, r.labels), 'png')
  else if (s.overlay && r.classMask)
    await writeImage(
      paths.overlay,
      drawClasses(r.image, r.mask, r.classColour ?? defaultClassColor),
      'png'
    )
  await writeFileAtomic(paths.record, JSON.stringify(r.record))
}

/**
 * Rebuild `measurements.csv` (when `csv`) and `counts.csv` from the records, in this order; the
 * measurements get physical columns when any image has a pixel size.
 */
export async function writeTables(
  out: string,
  records: ImageRecord[],
  csv: boolean
): Promise<void> {
  const counts = records.map((r) =>
    countLine(r.image, r.width, r.height, r.objects, r.foregroundArea)
  )
  await writeFileAtomic(join(out, 'counts.csv'), [COUNT_HEADER, ...counts].join('\n') + '\n')
  if (!csv) return
  const physical = records.some((r) => r.pixelSize)
  const lines = records.flatMap((r) =>
    measurementLines(r.image, r.measurements, physical, r.pixelSize)
  )
  const header = physical ? `${MEASUREMENT_HEADER},${PHYSICAL_HEADER}` : MEASUREMENT_HEADER
  await writeFileAtomic(join(out, 'measurements.csv'), [header, ...lines].join('\n') + '\n')
}
