import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { readImage } from '../../../../src-main/data/image-io'

/** Shared DSB2018 samples (read-only). */
export const DSB_ROOT = join(
  import.meta.dirname,
  '../../../../../shared/datasets/dsb2018/stage1_train'
)

/** Draw filled discs (cx, cy, r) into a w×h mask, each disc with its own id. */
export function discs(w: number, h: number, list: [number, number, number][]): Int32Array {
  const out = new Int32Array(w * h)
  list.forEach(([cx, cy, r], k) => {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) out[y * w + x] = k + 1
      }
    }
  })
  return out
}

/** Instance-id map of one DSB sample, merged from its per-nucleus masks (test helper). */
export async function readDsbInstances(
  id: string
): Promise<{ labels: Int32Array; width: number; height: number; count: number }> {
  const dir = join(DSB_ROOT, id, 'masks')
  const names = (await readdir(dir)).filter((n) => n.endsWith('.png')).sort()
  let labels = new Int32Array(0)
  let width = 0
  let height = 0
  for (const [k, name] of names.entries()) {
    const m = await readImage(join(dir, name))
    if (k === 0) {
      width = m.width
      height = m.height
      labels = new Int32Array(width * height)
    }
    for (let i = 0; i < labels.length; i++) if (m.data[i * m.channels]) labels[i] = k + 1
  }
  return { labels, width, height, count: names.length }
}

/** True when every label 1..count forms exactly one 8-connected region. */
export function labelsConnected(labels: Int32Array, w: number, h: number, count: number): boolean {
  const seen = new Uint8Array(count + 1)
  const visited = new Uint8Array(labels.length)
  for (let s = 0; s < labels.length; s++) {
    const l = labels[s]
    if (!l || visited[s]) continue
    if (seen[l]) return false
    seen[l] = 1
    const stack = [s]
    visited[s] = 1
    while (stack.length) {
      const p = stack.pop()!
      const x = p % w
      const y = (p - x) / w
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx
          const ny = y + dy
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue
          const q = ny * w + nx
          if (labels[q] === l && !visited[q]) {
            visited[q] = 1
            stack.push(q)
          }
        }
      }
    }
  }
  return true
}
