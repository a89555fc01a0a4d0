/** Base64 ↔ typed arrays in the browser (labels and raw images travel as base64 in JSON). */
import type { LabelData } from './label-types'

const CHUNK = 0x8000

/** Encodes bytes as base64. */
export function bytesToBase64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += CHUNK) {
    s += String.fromCharCode(...bytes.subarray(i, i + CHUNK))
  }
  return btoa(s)
}

/** Decodes base64 into bytes. */
export function base64ToBytes(b64: string): Uint8Array {
  const s = atob(b64)
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

/** Decodes base64 of little-endian samples into a Uint8Array (8-bit) or Uint16Array (16-bit). */
export function base64ToTyped(b64: string, bitDepth: 8 | 16): LabelData {
  const bytes = base64ToBytes(b64)
  if (bitDepth === 8) return bytes
  return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1)
}

/** Encodes a typed array's bytes (little-endian) as base64. */
export function typedToBase64(data: LabelData): string {
  return bytesToBase64(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
}
