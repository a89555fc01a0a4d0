/** A label as `label:save` carries it: zlib-compressed samples in base64 (small enough to send while the page closes). */
import { zlibSync } from 'fflate'
import { bytesToBase64 } from './base64'
import type { LabelBuffer } from './label-types'

/** The `label:save` fields that carry the pixels. */
export interface LabelSaveData {
  data: string
  encoding: 'deflate'
  width: number
  height: number
  kind: LabelBuffer['kind']
  bitDepth: 8 | 16
}

/** Compresses a label's samples (little-endian) for `label:save`. */
export function encodeLabel(label: LabelBuffer): LabelSaveData {
  const { data, width, height, kind } = label
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  return {
    data: bytesToBase64(zlibSync(bytes, { level: 4 })),
    encoding: 'deflate',
    width,
    height,
    kind,
    bitDepth: data instanceof Uint16Array ? 16 : 8
  }
}
