import type { RawImage } from './image-io'

/** What the pixel values of a single-label mask file mean. */
export type MaskValueKind = 'empty' | 'binary-0-1' | 'binary-0-255' | 'class-index' | 'instance-id'

/** Largest value an 8-bit mask may hold and still be read as class indices (heuristic). */
export const DEFAULT_CLASS_INDEX_MAX = 31

/** Sorted distinct values of a single-channel label. */
export function distinctValues(data: Uint8Array | Uint16Array): number[] {
  const seen = new Uint8Array(data instanceof Uint16Array ? 65536 : 256)
  for (let i = 0; i < data.length; i++) seen[data[i]] = 1
  const out: number[] = []
  for (let v = 0; v < seen.length; v++) if (seen[v]) out.push(v)
  return out
}

/**
 * Classify mask values: {0,1} and {0,255} are binary; small 8-bit values are class indices;
 * 16-bit data or values above {@link DEFAULT_CLASS_INDEX_MAX} are instance ids (heuristic).
 */
export function classifyMaskValues(values: number[], bitDepth: 8 | 16): MaskValueKind {
  const max = values.length ? Math.max(...values) : 0
  if (max === 0) return 'empty'
  if (values.every((v) => v === 0 || v === 1)) return 'binary-0-1'
  if (values.every((v) => v === 0 || v === 255)) return 'binary-0-255'
  if (bitDepth === 8 && max <= DEFAULT_CLASS_INDEX_MAX) return 'class-index'
  return 'instance-id'
}

/** Human wording of a mask value kind. */
export function maskValueWords(kind: MaskValueKind): string {
  return {
    empty: 'all zero',
    'binary-0-1': 'binary 0/1',
    'binary-0-255': 'binary 0/255',
    'class-index': 'class indices',
    'instance-id': 'instance ids'
  }[kind]
}

/**
 * The single channel of a mask image. Grey masks pass through; RGB masks with R = G = B give
 * their first channel; colour-coded masks throw (convert them to class indices first).
 */
export function maskChannel(img: RawImage, file: string): Uint8Array | Uint16Array {
  const { data, channels } = img
  if (channels === 1) return data
  const n = img.width * img.height
  const out = data instanceof Uint16Array ? new Uint16Array(n) : new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const v = data[i * channels]
    for (let c = 1; c < channels; c++) {
      if (data[i * channels + c] !== v) {
        throw new Error(`${file}: colour mask (channels differ); convert it to class indices`)
      }
    }
    out[i] = v
  }
  return out
}
