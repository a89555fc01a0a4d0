/**
 * Editor responsiveness on a 1024×1024 instance label: brush segments with the overlay redrawn
 * for the touched rectangle only, a full-image flood fill, undo/redo, and a full overlay redraw.
 * `npx tsx bench/editor-brush.ts`
 */
import { LabelDocument } from '../src-renderer/src/lib/label-document'
import { DEFAULT_CLASS_COLORS, renderOverlayRect } from '../src-renderer/src/lib/label-colors'
import { createLabel, growRect } from '../src-renderer/src/lib/label-types'

const SIZE = 1024
const doc = new LabelDocument(createLabel(SIZE, SIZE, 'instances'))
const out = new Uint8ClampedArray(SIZE * SIZE * 4)

function time(name: string, fn: () => void, n = 1): void {
  const t0 = performance.now()
  for (let k = 0; k < n; k++) fn()
  const ms = (performance.now() - t0) / n
  console.log(`${name.padEnd(44)} ${ms.toFixed(3)} ms`)
}

let x = 100
time(
  'brush segment (size 24) + overlay of its rect',
  () => {
    const r = doc.stroke(x, 500, x + 4, 503, 24, 7)
    x += 4
    const g = r && growRect(r, 1, SIZE, SIZE)
    if (g) renderOverlayRect(doc.label, g, DEFAULT_CLASS_COLORS, out)
  },
  200
)
time('commit stroke (200 segments)', () => doc.commit())
time('flood fill background (1M px) + commit', () => doc.floodFill(0, 0, 9))
time('undo flood fill', () => doc.undo())
time('redo flood fill', () => doc.redo())
time('full overlay redraw', () =>
  renderOverlayRect(doc.label, { x: 0, y: 0, width: SIZE, height: SIZE }, DEFAULT_CLASS_COLORS, out)
)
