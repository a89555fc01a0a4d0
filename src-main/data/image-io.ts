import sharp from 'sharp'
import { writeFileAtomic } from './atomic-write'
import {
  decoder,
  ImageRefusedError,
  readImageHeader,
  sampleWords,
  type ImageHeader
} from './image-header'

/** Decoded pixels, interleaved by channel, row-major: 8- or 16-bit unsigned. */
export interface RawImage {
  data: Uint8Array | Uint16Array
  width: number
  height: number
  channels: number
  bitDepth: 8 | 16
}

/** Decoded floating-point pixels (a float TIFF), values kept as they are in the file. */
export interface FloatImage {
  data: Float32Array
  width: number
  height: number
  channels: number
  bitDepth: 32
}

/** Any decoded image: unsigned 8/16-bit, or floating point kept as such. */
export type AnyImage = RawImage | FloatImage

/** Options for {@link readImage}. */
export interface ReadImageOptions {
  /** Drop an alpha channel (RGBA → RGB, gray+alpha → gray). Default true. */
  dropAlpha?: boolean
}

/**
 * Read a PNG, JPEG or TIFF holding 8- or 16-bit unsigned samples (masks, labels), keeping 16-bit
 * data as a Uint16Array. A float image is refused by name; so is anything the header check
 * refuses (above the pixel limit, several pages, signed samples).
 */
export async function readImage(path: string, opts: ReadImageOptions = {}): Promise<RawImage> {
  const header = await readImageHeader(path)
  if (!header.plain)
    throw new ImageRefusedError(
      path,
      `${sampleWords(header)} samples: masks and labels hold 8- or 16-bit unsigned values`
    )
  return decodePlain(path, header, opts)
}

/**
 * Read any image the app accepts (training, prediction, display): 8/16-bit unsigned as
 * {@link readImage}, floating-point TIFFs as a Float32Array of their own values.
 */
export async function readAnyImage(path: string, opts: ReadImageOptions = {}): Promise<AnyImage> {
  const header = await readImageHeader(path)
  return header.plain ? decodePlain(path, header, opts) : decodeFloat(path, header, opts)
}

async function decodePlain(
  path: string,
  meta: ImageHeader,
  opts: ReadImageOptions
): Promise<RawImage> {
  const dropAlpha = opts.dropAlpha ?? true
  const sixteen = meta.bits === 16
  const grey = meta.channels - (meta.hasAlpha ? 1 : 0) === 1
  const keepAlpha = !dropAlpha && meta.hasAlpha
  // sharp outputs sRGB unless told otherwise, and its grey spaces drop alpha: grey+alpha is
  // read as RGBA and compacted below
  let pipeline = decoder(path)
  if (!keepAlpha && meta.hasAlpha) pipeline = pipeline.removeAlpha()
  const greyOut = grey && !keepAlpha
  if (sixteen) pipeline = pipeline.toColourspace(greyOut ? 'grey16' : 'rgb16')
  else if (greyOut) pipeline = pipeline.toColourspace('b-w')
  const { data, info } = await pipeline
    .raw({ depth: sixteen ? 'ushort' : 'uchar' })
    .toBuffer({ resolveWithObject: true })
  const bytes = data.byteOffset % 2 === 0 ? data : Buffer.from(data)
  let pixels: Uint8Array | Uint16Array = sixteen
    ? new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2)
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let channels = info.channels
  if (grey && keepAlpha && channels === 4) {
    pixels = greyAlphaFromRgba(pixels)
    channels = 2
  }
  return {
    data: pixels,
    width: info.width,
    height: info.height,
    channels,
    bitDepth: sixteen ? 16 : 8
  }
}

/** Float samples as they are: no colour conversion (the image's own space), alpha dropped. */
async function decodeFloat(
  path: string,
  meta: ImageHeader,
  opts: ReadImageOptions
): Promise<FloatImage> {
  const grey = meta.channels - (meta.hasAlpha ? 1 : 0) === 1
  let pipeline = decoder(path)
  if ((opts.dropAlpha ?? true) && meta.hasAlpha) pipeline = pipeline.removeAlpha()
  pipeline = pipeline.toColourspace(grey ? 'b-w' : 'srgb')
  const { data, info } = await pipeline
    .raw({ depth: 'float' })
    .toBuffer({ resolveWithObject: true })
  const copy = new Float32Array(data.byteLength / 4)
  new Uint8Array(copy.buffer).set(data)
  return {
    data: copy,
    width: info.width,
    height: info.height,
    channels: info.channels,
    bitDepth: 32
  }
}

/**
 * An unsigned 16-bit view of a float image for display: its value range stretched linearly to
 * 0..65535 (nothing collapses), with the range so the UI can name real values.
 */
export function floatToDisplay16(img: FloatImage): { image: RawImage; min: number; max: number } {
  let min = Infinity
  let max = -Infinity
  for (const v of img.data) {
    if (!Number.isFinite(v)) continue
    if (v < min) min = v
    if (v > max) max = v
  }
  if (min > max) min = max = 0
  const scale = max > min ? 65535 / (max - min) : 0
  const out = new Uint16Array(img.data.length)
  for (let i = 0; i < out.length; i++) {
    const v = img.data[i]
    out[i] = Number.isFinite(v) ? Math.round((v - min) * scale) : 0
  }
  const { width, height, channels } = img
  return { image: { data: out, width, height, channels, bitDepth: 16 }, min, max }
}

function greyAlphaFromRgba<T extends Uint8Array | Uint16Array>(rgba: T): T {
  const n = rgba.length / 4
  const out = (rgba instanceof Uint16Array ? new Uint16Array(n * 2) : new Uint8Array(n * 2)) as T
  for (let i = 0; i < n; i++) {
    out[2 * i] = rgba[4 * i]
    out[2 * i + 1] = rgba[4 * i + 3]
  }
  return out
}

/** Encode raw pixels to PNG or TIFF bytes; a Uint16Array gives a 16-bit file. */
export async function encodeImage(img: RawImage, format: 'png' | 'tiff' = 'png'): Promise<Buffer> {
  const { width, height, channels } = img
  const sixteen = img.data instanceof Uint16Array
  if (img.data.length !== width * height * channels) {
    throw new Error(`pixel count ${img.data.length} does not match ${width}x${height}x${channels}`)
  }
  if (channels < 1 || channels > 4) throw new Error(`unsupported channel count ${channels}`)
  let pipeline = sharp(img.data, {
    raw: { width, height, channels: channels as 1 | 2 | 3 | 4 }
  })
  if (sixteen) pipeline = pipeline.toColourspace(channels <= 2 ? 'grey16' : 'rgb16')
  else if (channels <= 2) pipeline = pipeline.toColourspace('b-w')
  return format === 'tiff'
    ? pipeline.tiff({ compression: 'lzw' }).toBuffer()
    : pipeline.png({ compressionLevel: 6 }).toBuffer()
}

/** Write raw pixels as PNG or TIFF, atomically (16-bit when the data is a Uint16Array). */
export async function writeImage(
  path: string,
  img: RawImage,
  format: 'png' | 'tiff' = 'png'
): Promise<void> {
  await writeFileAtomic(path, await encodeImage(img, format))
}
