/** Turns an 'image:read' payload into pixels the editor can window and draw. */
import type { ImagePayload } from '../../../src-preload/contract'
import { base64ToBytes, base64ToTyped } from '../lib/base64'
import type { ImagePixels } from '../lib/windowing'

/** Decodes a PNG payload in the browser (RGBA) or wraps raw 16-bit samples. */
export async function decodeImagePayload(p: ImagePayload): Promise<ImagePixels> {
  if (p.format === 'raw') {
    const data = base64ToTyped(p.data, p.bitDepth)
    return { data, width: p.width, height: p.height, channels: p.channels, bitDepth: p.bitDepth }
  }
  const blob = new Blob([base64ToBytes(p.data) as BlobPart], { type: 'image/png' })
  const bitmap = await createImageBitmap(blob, {
    colorSpaceConversion: 'none',
    premultiplyAlpha: 'none'
  })
  const canvas = document.createElement('canvas')
  canvas.width = bitmap.width
  canvas.height = bitmap.height
  const ctx = canvas.getContext('2d', { willReadFrequently: true })
  if (!ctx) throw new Error('No 2D canvas available')
  ctx.drawImage(bitmap, 0, 0)
  bitmap.close()
  const rgba = ctx.getImageData(0, 0, p.width, p.height).data
  return { data: rgba, width: p.width, height: p.height, channels: 4, bitDepth: 8 }
}
