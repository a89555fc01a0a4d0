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
  let pipeline = sharp(path)
  if (dropAlpha && meta.hasAlpha) pipeline = pipeline.removeAlpha()
  // sharp outputs sRGB unless told otherwise: keep grey as one channel and 16-bit as 16-bit
  const grey = (meta.channels ?? 1) - (meta.hasAlpha ? 1 : 0) === 1
  if (sixteen) pipeline = pipeline.toColourspace(grey ? 'grey16' : 'rgb16')
  else if (grey) pipeline = pipeline.toColourspace('b-w')
  const { data, info } = await pipeline.raw({ depth: sixteen ? 'ushort' : 'uchar' }).toBuffer({
    resolveWithObject: true
  })
  const pixels = sixteen
    ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  return {
    data: pixels,
    width: info.width,
    height: info.height,
    channels: info.channels,
    bitDepth: sixteen ? 16 : 8
  }
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
