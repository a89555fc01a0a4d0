/**
 * A minimal baseline TIFF writer for tests (uncompressed, one strip per page, grey): float,
 * signed and unsigned samples and several pages, which sharp cannot write itself.
 */

/** One page of a test TIFF. */
export interface TiffPage {
  width: number
  height: number
  data: Float32Array | Int16Array | Uint16Array | Uint8Array
}

function sampleFormat(data: TiffPage['data']): number {
  if (data instanceof Float32Array) return 3
  if (data instanceof Int16Array) return 2
  return 1
}

/** Encodes grey pages as a little-endian TIFF (SampleFormat tag set for float and signed). */
export function encodeTiff(pages: TiffPage[]): Buffer {
  const parts: Buffer[] = [Buffer.from([0x49, 0x49, 42, 0, 8, 0, 0, 0])]
  let offset = 8
  const push = (b: Buffer) => {
    parts.push(b)
    offset += b.length
  }
  let linkAt = 4
  for (const page of pages) {
    const bytes = Buffer.from(page.data.buffer, page.data.byteOffset, page.data.byteLength)
    const dataAt = offset
    push(bytes)
    if (offset % 2) push(Buffer.alloc(1))
    const ifdAt = offset
    const entries: [number, number, number][] = [
      [256, 4, page.width],
      [257, 4, page.height],
      [258, 3, page.data.BYTES_PER_ELEMENT * 8],
      [259, 3, 1],
      [262, 3, 1],
      [273, 4, dataAt],
      [277, 3, 1],
      [278, 4, page.height],
      [279, 4, bytes.length],
      [339, 3, sampleFormat(page.data)]
    ]
    const ifd = Buffer.alloc(2 + entries.length * 12 + 4)
    ifd.writeUInt16LE(entries.length, 0)
    entries.forEach(([tag, type, value], i) => {
      const at = 2 + i * 12
      ifd.writeUInt16LE(tag, at)
      ifd.writeUInt16LE(type, at + 2)
      ifd.writeUInt32LE(1, at + 4)
      if (type === 3) ifd.writeUInt16LE(value, at + 8)
      else ifd.writeUInt32LE(value, at + 8)
    })
    // patch the previous link (header or previous IFD's next pointer) to this IFD
    const whole = Buffer.concat(parts)
    whole.writeUInt32LE(ifdAt, linkAt)
    parts.length = 0
    parts.push(whole)
    linkAt = ifdAt + 2 + entries.length * 12
    push(ifd)
  }
  return Buffer.concat(parts)
}
