/** Pure pixel work for instance masks: id maps, overlaps, union, boundary classes, components. */

export { MERGE_MODES, type MergeMode } from '../../src-preload/options/merge'

/** Neighbourhood used to find boundary pixels. */
export type Connectivity = 4 | 8

/**
 * Boundary pixels are instance pixels with a 4-neighbour (up, down, left, right) holding another
 * id or background. Pixels outside the image do not count as background.
 */
export const DEFAULT_BOUNDARY_CONNECTIVITY: Connectivity = 4

/** Boundary-aware label values. */
export const BOUNDARY_CLASSES = { background: 0, interior: 1, boundary: 2 } as const

/** Instance-id map being built: ids 1..n, 0 is background. */
export interface InstanceMap {
  ids: Uint16Array
  width: number
  height: number
  /** Instances painted so far. */
  instances: number
  /** Pixels covered by more than one instance (the later instance wins in `ids`). */
  overlaps: number
  overlapMarks: Uint8Array | null
}

/** Empty instance map of the given size. */
export function createInstanceMap(width: number, height: number): InstanceMap {
  const ids = new Uint16Array(width * height)
  return { ids, width, height, instances: 0, overlaps: 0, overlapMarks: null }
}

/**
 * Paint one instance (nonzero pixels of `mask`) with `id`. Where instances overlap the higher id
 * (the later file) wins, whatever order the masks are painted in; each overlapped pixel is
 * counted once. Zero runs are skipped four pixels at a time.
 */
export function paintInstance(map: InstanceMap, mask: Uint8Array | Uint16Array, id: number): void {
  const { ids } = map
  const n = ids.length
  if (mask.length !== n) throw new Error(`mask has ${mask.length} pixels, the map ${n}`)
  if (id < 1 || id > 65535) throw new Error(`instance id ${id} is outside 1..65535`)
  const paintAt = (i: number): void => {
    const prev = ids[i]
    if (prev !== 0) {
      const marks = (map.overlapMarks ??= new Uint8Array(n))
      if (marks[i] === 0) {
        marks[i] = 1
        map.overlaps++
      }
      if (prev > id) return
    }
    ids[i] = id
  }
  let start = 0
  if (mask instanceof Uint8Array && mask.byteOffset % 4 === 0) {
    const words = new Uint32Array(mask.buffer, mask.byteOffset, n >> 2)
    for (let w = 0; w < words.length; w++) {
      if (words[w] === 0) continue
      for (let i = w * 4; i < w * 4 + 4; i++) if (mask[i] !== 0) paintAt(i)
    }
    start = words.length * 4
  }
  for (let i = start; i < n; i++) if (mask[i] !== 0) paintAt(i)
  map.instances = Math.max(map.instances, id)
}

/** Merge instance masks (nonzero = inside) into an id map: mask k gets id k + 1. */
export function mergeInstances(
  masks: (Uint8Array | Uint16Array)[],
  width: number,
  height: number
): InstanceMap {
  const map = createInstanceMap(width, height)
  masks.forEach((m, k) => paintInstance(map, m, k + 1))
  return map
}

/** Union of an id map as a 0/1 label. */
export function binaryFromInstances(ids: Uint16Array): Uint8Array {
  const out = new Uint8Array(ids.length)
  for (let i = 0; i < ids.length; i++) out[i] = ids[i] === 0 ? 0 : 1
  return out
}

/**
 * Boundary-aware 3-class label from an id map: 0 background, 1 interior, 2 boundary, where a
 * boundary pixel is an instance pixel whose neighbour holds another id or background.
 */
export function boundaryFromInstances(
  ids: Uint16Array,
  width: number,
  height: number,
  connectivity: Connectivity = DEFAULT_BOUNDARY_CONNECTIVITY
): Uint8Array {
  const out = new Uint8Array(ids.length)
  const offsets =
    connectivity === 8
      ? [-1, 0, 1, 0, 0, -1, 0, 1, -1, -1, 1, -1, -1, 1, 1, 1]
      : [-1, 0, 1, 0, 0, -1, 0, 1]
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x
      const v = ids[i]
      if (v === 0) continue
      let edge = false
      for (let k = 0; k < offsets.length && !edge; k += 2) {
        const nx = x + offsets[k]
        const ny = y + offsets[k + 1]
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue
        edge = ids[ny * width + nx] !== v
      }
      out[i] = edge ? BOUNDARY_CLASSES.boundary : BOUNDARY_CLASSES.interior
    }
  }
  return out
}

/** Label connected regions of nonzero pixels (4-connected) as ids 1..n. */
export function labelComponents(mask: Uint8Array | Uint16Array, width: number, height: number) {
  const ids = new Uint16Array(mask.length)
  const stack: number[] = []
  let next = 0
  for (let seed = 0; seed < mask.length; seed++) {
    if (mask[seed] === 0 || ids[seed] !== 0) continue
    if (++next > 65535) throw new Error('more than 65,535 connected regions')
    ids[seed] = next
    stack.push(seed)
    while (stack.length) {
      const i = stack.pop()!
      const x = i % width
      const near = [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, i - width, i + width]
      for (const j of near) {
        if (j < 0 || j >= mask.length || mask[j] === 0 || ids[j] !== 0) continue
        ids[j] = next
        stack.push(j)
      }
    }
  }
  return { ids, width, height, instances: next }
}
