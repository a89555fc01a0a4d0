import sharp from 'sharp'
import { writeFileAtomic } from './atomic-write'

/** Decoded pixels, interleaved by channel, row-major. */
export interface RawImage {
  data: Uint8Array | Uint16Array
  width: number
  height: number
  channels: number
  bitDepth: 8 | 16
}

/** Options for {@link readImage}. */
export interface ReadImageOptions {
  /** Drop an alpha channel (RGBA → RGB, gray+alpha → gray). Default true. */
  dropAlpha?: boolean
}

const SIXTEEN_BIT = new Set(['ushort', 'short', 'uint', 'int', 'float', 'double'])

/** Read a PNG, JPEG or TIFF into raw pixels, keeping 16-bit data as a Uint16Array. */
export async function readImage(path: string, opts: ReadImageOptions = {}): Promise<RawImage> {
  const dropAlpha = opts.dropAlpha ?? true
  const meta = await sharp(path).metadata()
  const sixteen = SIXTEEN_BIT.has(meta.depth ?? 'uchar')
  const grey = (meta.channels ?? 1) - (meta.hasAlpha ? 1 : 0) === 1
  const keepAlpha = !dropAlpha && Boolean(meta.hasAlpha)
  // sharp outputs sRGB unless told otherwise, and its grey spaces drop alpha: grey+alpha is
  // read as RGBA and compacted below
  let pipeline = sharp(path)
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
