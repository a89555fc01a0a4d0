/**
 * What an image file is, from its header alone, and whether the app reads it: a pixel limit
 * (a setting with a sensible default) checked before any pixel is decoded, multi-page files
 * refused by name. Every path that decodes images goes through {@link readImageHeader} or
 * {@link checkPixels} first, and decodes with {@link decoder} (the same limit, enforced by sharp).
 */
import sharp from 'sharp'

/** Default pixel limit: 40 megapixels (about 7,300 × 5,500), a 16-bit RGB image of 240 MB. */
export const DEFAULT_MAX_PIXELS = 40_000_000
/** Environment variable setting the pixel limit (inherited by job processes). */
export const MAX_PIXELS_ENV = 'UNET_STUDIO_MAX_PIXELS'

/** The pixel limit in force: {@link MAX_PIXELS_ENV} when set to a positive integer, else the default. */
export function maxPixels(): number {
  const n = Number(process.env[MAX_PIXELS_ENV])
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_MAX_PIXELS
}

/** Sets the pixel limit for this process and the jobs it starts. */
export function setMaxPixels(pixels: number): void {
  if (!Number.isInteger(pixels) || pixels <= 0)
    throw new Error(`pixel limit must be a positive whole number, got ${pixels}`)
  process.env[MAX_PIXELS_ENV] = String(pixels)
}

/** An image the app refuses to read, with the file and the reason. */
export class ImageRefusedError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string
  ) {
    super(`${file}: ${reason}`)
    this.name = 'ImageRefusedError'
  }
}

/** Throws a named error when a `width` × `height` image is above the pixel limit. */
export function checkPixels(file: string, width: number, height: number): void {
  const limit = maxPixels()
  if (width * height <= limit) return
  const mp = (n: number) => `${Number((n / 1e6).toPrecision(3))} megapixels`
  throw new ImageRefusedError(
    file,
    `${width}x${height} image (${mp(width * height)}) is above the limit of ${mp(limit)} ` +
      `(set ${MAX_PIXELS_ENV} to change it)`
  )
}

/** Sample formats besides 8- and 16-bit unsigned, as TIFF can hold them. */
export type SampleFormat = 'uint' | 'int' | 'float'

/** How the samples of a file are stored, by sharp's depth name. */
export const SAMPLE_FORMATS: Record<string, { format: SampleFormat; bits: number }> = {
  uchar: { format: 'uint', bits: 8 },
  ushort: { format: 'uint', bits: 16 },
  uint: { format: 'uint', bits: 32 },
  char: { format: 'int', bits: 8 },
  short: { format: 'int', bits: 16 },
  int: { format: 'int', bits: 32 },
  float: { format: 'float', bits: 32 },
  double: { format: 'float', bits: 64 }
}

/** What the header of an image file says. */
export interface ImageHeader {
  format: string
  width: number
  height: number
  /** Channels including alpha. */
  channels: number
  hasAlpha: boolean
  /** sharp's depth name: uchar, ushort, char, short, uint, int, float, double. */
  depth: string
  sampleFormat: SampleFormat
  bits: number
  /** True for 8- and 16-bit unsigned samples (PNG, JPEG, most TIFFs); else float samples. */
  plain: boolean
}

/** Words for a sample format, for messages: "32-bit float", "16-bit signed". */
export function sampleWords(h: Pick<ImageHeader, 'sampleFormat' | 'bits'>): string {
  const kind =
    h.sampleFormat === 'float' ? 'float' : h.sampleFormat === 'int' ? 'signed' : 'unsigned'
  return `${h.bits}-bit ${kind}`
}

/**
 * Reads and checks an image's header without decoding pixels: the pixel limit, one page only,
 * 8- or 16-bit unsigned or floating-point samples (signed integers are refused: sharp would clip
 * their negative values). Throws {@link ImageRefusedError} naming the file and the reason.
 */
export async function readImageHeader(file: string | Buffer, name = 'image'): Promise<ImageHeader> {
  const path = typeof file === 'string' ? file : name
  let meta: sharp.Metadata
  try {
    meta = await sharp(file, { limitInputPixels: false }).metadata()
  } catch (err) {
    throw new ImageRefusedError(path, `unreadable image: ${(err as Error).message}`)
  }
  const { width, height } = meta
  if (!width || !height) throw new ImageRefusedError(path, 'image has no size in its header')
  checkPixels(path, width, height)
  if ((meta.pages ?? 1) > 1)
    throw new ImageRefusedError(
      path,
      `multi-page ${meta.format.toUpperCase()} (${meta.pages} pages): only single-page images ` +
        'are read; save each page as its own file'
    )
  const sample = SAMPLE_FORMATS[meta.depth ?? 'uchar']
  if (!sample) throw new ImageRefusedError(path, `unsupported samples (${meta.depth})`)
  if (sample.format !== 'float' && sample.bits > 16)
    throw new ImageRefusedError(
      path,
      `${sampleWords({ sampleFormat: sample.format, bits: sample.bits })} samples are not supported: convert to 16-bit unsigned or 32-bit float`
    )
  if (sample.format === 'int')
    throw new ImageRefusedError(
      path,
      `${sample.bits}-bit signed samples are not supported (negative values would be lost): ` +
        'convert to 16-bit unsigned or 32-bit float'
    )
  return {
    format: meta.format,
    width,
    height,
    channels: meta.channels ?? 1,
    hasAlpha: Boolean(meta.hasAlpha),
    depth: meta.depth ?? 'uchar',
    sampleFormat: sample.format,
    bits: sample.bits,
    plain: sample.format === 'uint' && sample.bits <= 16
  }
}

/** A sharp pipeline over `file` that refuses more pixels than the limit. */
export function decoder(file: string | Buffer | Uint8Array): sharp.Sharp {
  return sharp(file, { limitInputPixels: maxPixels() })
}
