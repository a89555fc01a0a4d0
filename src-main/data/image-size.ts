import { open } from 'node:fs/promises'
import sharp from 'sharp'

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/**
 * Width and height of an image from its header, without decoding pixels.
 * PNG headers are read directly (thousands of mask files stay fast); other formats ask sharp.
 */
export async function readImageSize(path: string): Promise<{ width: number; height: number }> {
  const head = Buffer.alloc(24)
  const file = await open(path, 'r')
  try {
    await file.read(head, 0, 24, 0)
  } finally {
    await file.close()
  }
  if (head.subarray(0, 8).equals(PNG_SIGNATURE) && head.toString('latin1', 12, 16) === 'IHDR') {
    return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) }
  }
  const meta = await sharp(path).metadata()
  if (!meta.width || !meta.height) throw new Error('image has no size in its header')
  return { width: meta.width, height: meta.height }
}
