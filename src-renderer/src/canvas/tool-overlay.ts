/** The Konva layer above the image: brush cursor and polygon / lasso preview. */
import Konva from 'konva'
import type { EditorTool } from '../stores/editor'
import type { PolygonInput } from './polygon-tool'

/** What the overlay needs to know to draw. */
export interface ToolOverlayState {
  tool: EditorTool
  brushSize: number
  /** View scale, so strokes stay one screen pixel wide at any zoom. */
  scale: number
  spaceHeld: boolean
}

/** Brush outline (black + white rings, dashed for the eraser) and the polygon in progress. */
export class ToolOverlay {
  readonly layer = new Konva.Layer({ listening: false })
  private outer = new Konva.Circle({ stroke: 'black', listening: false, visible: false })
  private inner = new Konva.Circle({ stroke: 'white', listening: false, visible: false })
  private line = new Konva.Line({
    stroke: '#ffd54f',
    fill: 'rgba(255,213,79,0.18)',
    listening: false
  })
  private pointer: { x: number; y: number } | null = null

  constructor() {
    this.layer.add(this.line, this.outer, this.inner)
  }

  /** Hides the brush outline (pointer left the canvas). */
  hideCursor(): void {
    this.outer.visible(false)
    this.inner.visible(false)
  }

  /** Updates the nodes; `p` is the pointer in image coordinates when it moved. */
  draw(state: ToolOverlayState, polygon: PolygonInput, p?: { x: number; y: number }): void {
    const { tool, brushSize, scale, spaceHeld } = state
    const k = 1 / scale
    const brush = (tool === 'brush' || tool === 'eraser') && !spaceHeld
    if (p) this.pointer = p
    for (const [node, w] of [
      [this.outer, 3],
      [this.inner, 1.2]
    ] as const) {
      if (p) node.position(p)
      node.radius(Math.max(0.5, brushSize / 2))
      node.strokeWidth(w * k)
      node.visible(brush && (p !== undefined || node.visible()))
    }
    this.inner.dash(tool === 'eraser' ? [4 * k, 3 * k] : [])
    const rubber = tool === 'polygon' && !polygon.lasso && polygon.count > 0 && this.pointer
    const points = polygon.points
    this.line.points(rubber ? [...points, this.pointer!.x, this.pointer!.y] : points)
    this.line.strokeWidth(1.5 * k)
    this.line.closed(polygon.lasso || (rubber && polygon.count >= 2))
  }
}
