import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { writeImage } from '../../data/image-io'
import type { Preview } from './validation'

/** Spread class indices over 0..255 grey levels. */
function classGrey(v: number, classes: number): number {
  return classes <= 1 ? (v ? 255 : 0) : Math.round((v * 255) / classes)
}

/** Write `previews/epoch-NNN.png`: image | label | prediction side by side (RGB). */
export async function writePreview(
  dir: string,
  epoch: number,
  p: Preview,
  classes: number
): Promise<string> {
  const { width: w, height: h } = p
  const out = new Uint8Array(w * 3 * h * 3)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x
      const row = y * w * 3
      for (let k = 0; k < 3; k++) {
        out[(row + x) * 3 + k] = p.image[i * p.channels + Math.min(k, p.channels - 1)]
        out[(row + w + x) * 3 + k] = classGrey(p.label[i], classes)
        out[(row + 2 * w + x) * 3 + k] = classGrey(p.pred[i], classes)
      }
    }
  await mkdir(dir, { recursive: true })
  const path = join(dir, `epoch-${String(epoch).padStart(3, '0')}.png`)
  await writeImage(path, { data: out, width: w * 3, height: h, channels: 3, bitDepth: 8 })
  return path
}
