/**
 * The pixel size a TIFF file records, in µm per pixel: from XResolution with ResolutionUnit
 * inch or cm, from ImageJ's description (`unit=micron` with XResolution in pixels per unit), or
 * from OME-XML (`PhysicalSizeX`). Reads the first directory's tags only, with plain file reads.
 */
import { open } from 'node:fs/promises'

/** A pixel size and where it came from. */
export interface PixelSize {
  /** µm per pixel (x). */
  um: number
  /** Which field it was read from, in words. */
  source: string
}

/** Resolutions that image software writes by default; they say nothing about a specimen. */
const PRINT_DPI = new Set([72, 96, 100, 150, 200, 300, 600, 1200])

/** Larger pixels than this (µm) come from a default resolution (libvips: 1 px/mm), not a scope. */
const MAX_PIXEL_UM = 100

/** µm per unit named in ImageJ / OME metadata. */
const UNIT_UM: Record<string, number> = {
  micron: 1,
  microns: 1,
  um: 1,
  '\u00b5m': 1,
  '\u03bcm': 1,
  nm: 1e-3,
  mm: 1e3,
  cm: 1e4,
  m: 1e6
}

interface Tags {
  xres?: number
  unit?: number
  description?: string
}

/** Read tags 270 (ImageDescription), 282 (XResolution), 296 (ResolutionUnit) of IFD 0. */
async function readTags(path: string): Promise<Tags | null> {
  const f = await open(path, 'r')
  try {
    const read = async (pos: number, len: number) => {
      const buf = Buffer.alloc(len)
      const { bytesRead } = await f.read(buf, 0, len, pos)
      return buf.subarray(0, bytesRead)
    }
    const head = await read(0, 8)
    if (head.length < 8) return null
    const le = head.toString('latin1', 0, 2) === 'II'
    if (!le && head.toString('latin1', 0, 2) !== 'MM') return null
    const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o))
    const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o))
    if (u16(head, 2) !== 42) return null
    const ifd = u32(head, 4)
    const count = u16(await read(ifd, 2), 0)
    const entries = await read(ifd + 2, count * 12)
    const tags: Tags = {}
    for (let k = 0; k < count; k++) {
      const e = entries.subarray(k * 12, k * 12 + 12)
      if (e.length < 12) break
      const tag = u16(e, 0)
      const type = u16(e, 2)
      const n = u32(e, 4)
      if (tag === 296 && type === 3) tags.unit = u16(e, 8)
      if (tag === 282 && type === 5) {
        const r = await read(u32(e, 8), 8)
        if (r.length === 8 && u32(r, 4) > 0) tags.xres = u32(r, 0) / u32(r, 4)
      }
      if (tag === 270 && type === 2) {
        const text = n <= 4 ? e.subarray(8, 8 + n) : await read(u32(e, 8), Math.min(n, 1 << 20))
        tags.description = text.toString('utf8').replace(/\0+$/, '')
      }
    }
    return tags
  } finally {
    await f.close()
  }
}

/**
 * Pixel size from the tags, or null when the file does not say, or says a default of image software
 * (a print resolution, or pixels larger than 100 µm).
 */
export function pixelSizeFromTags(tags: Tags): PixelSize | null {
  const d = tags.description ?? ''
  const ome = /PhysicalSizeX="([0-9.eE+-]+)"/.exec(d)
  if (ome) {
    const unit = /PhysicalSizeXUnit="([^"]+)"/.exec(d)?.[1] ?? 'µm'
    const um = Number(ome[1]) * (UNIT_UM[unit] ?? NaN)
    if (um > 0) return { um, source: `OME PhysicalSizeX (${ome[1]} ${unit})` }
  }
  const xres = tags.xres
  if (!xres || !(xres > 0)) return null
  const imagej = /(?:^|\n)unit=([^\n]+)/
    .exec(d)?.[1]
    ?.trim()
    .replace(/\\u00B5/g, 'µ')
  if (imagej && UNIT_UM[imagej] !== undefined)
    return {
      um: UNIT_UM[imagej] / xres,
      source: `ImageJ resolution (${xres} pixels per ${imagej})`
    }
  let size: PixelSize | null = null
  if (tags.unit === 3) size = { um: 1e4 / xres, source: `TIFF resolution (${xres} pixels per cm)` }
  else if (
    (tags.unit === 2 || tags.unit === undefined) &&
    !PRINT_DPI.has(Math.round(xres * 1e3) / 1e3)
  )
    size = { um: 25400 / xres, source: `TIFF resolution (${xres} pixels per inch)` }
  return size && size.um <= MAX_PIXEL_UM ? size : null
}

/** The pixel size a TIFF file records, or null (not a TIFF, no resolution, a print default). */
export async function readTiffPixelSize(path: string): Promise<PixelSize | null> {
  const tags = await readTags(path).catch(() => null)
  return tags ? pixelSizeFromTags(tags) : null
}
