/**
 * The editor canvas: a Konva stage showing the windowed image with the label overlay on top,
 * turning pointer input into edits of the open {@link EditorSession}. Konva stays in this folder;
 * the stage never touches stores, it reports through {@link StageCallbacks}.
 */
import Konva from 'konva'
import { valueAt } from '../lib/instances'
import { DEFAULT_PALETTE, type LabelPalette } from '../lib/label-colors'
import type { Rect } from '../lib/label-types'
import { fitView, toImage, zoomAt, type ViewTransform } from '../lib/viewport'
import type { DisplayWindow } from '../lib/windowing'
import type { EditorSession } from '../stores/editor-session'
import type { EditorTool } from '../stores/editor'
import { PolygonInput } from './polygon-tool'
import { ImageRaster, OverlayRaster } from './rasters'
import { ToolOverlay } from './tool-overlay'

/** What the stage reports back. */
export interface StageCallbacks {
  /** An edit was committed (the overlay is already redrawn). */
  onEdit(rect: Rect): void
  /** The pick tool clicked a value; `merge` when shift was held or the merge tool is active. */
  onPick(value: number, merge: boolean): void
  /** Pointer position in image pixels with the label value there, or `null` when outside. */
  onCursor(p: { x: number; y: number; value: number } | null): void
  /** View scale changed. */
  onZoom(scale: number): void
}

/** Current tool settings the stage paints with. */
export interface ToolSettings {
  tool: EditorTool
  brushSize: number
  /** Value the brush, polygon and fill write (class index, instance id, or 1). */
  value: number
  /** Value the eraser writes (the background class; 0 for binary and instances). */
  eraseValue: number
}

const WHEEL_ZOOM = 1.0015

/** A Konva stage bound to a container element. */
export class EditorStage {
  private stage: Konva.Stage
  private imageNode = new Konva.Image({ image: undefined, listening: false })
  private overlayNode = new Konva.Image({ image: undefined, listening: false })
  private toolLayer = new ToolOverlay()
  private session: EditorSession | null = null
  private imageRaster: ImageRaster | null = null
  private overlay: OverlayRaster | null = null
  private view: ViewTransform = { scale: 1, x: 0, y: 0 }
  private settings: ToolSettings = { tool: 'brush', brushSize: 12, value: 1, eraseValue: 0 }
  private palette: LabelPalette = DEFAULT_PALETTE
  /** True while the view is the fitted one (refitted when the container resizes). */
  private fitted = true
  private polygon = new PolygonInput()
  private painting: { last: { x: number; y: number }; value: number } | null = null
  private panning: { x: number; y: number; vx: number; vy: number } | null = null
  private spaceHeld = false
  private observer: ResizeObserver
  private detach: () => void

  constructor(
    private readonly container: HTMLDivElement,
    private readonly callbacks: StageCallbacks
  ) {
    this.stage = new Konva.Stage({
      container,
      width: container.clientWidth || 1,
      height: container.clientHeight || 1
    })
    const pixels = new Konva.Layer({ listening: false, imageSmoothingEnabled: false })
    pixels.add(this.imageNode, this.overlayNode)
    this.stage.add(pixels, this.toolLayer.layer)
    this.observer = new ResizeObserver(() => this.resize())
    this.observer.observe(container)
    this.detach = this.listen()
  }

  /** Shows a new session (or nothing), fitted to the view. */
  setSession(session: EditorSession | null): void {
    this.session = session
    this.painting = null
    this.polygon.reset()
    const style = {
      highlight: this.overlay?.highlight ?? 0,
      outline: this.overlay?.outline ?? false
    }
    this.imageRaster = session ? new ImageRaster(session.image) : null
    this.overlay = session
      ? Object.assign(new OverlayRaster(session.doc.label), style, { palette: this.palette })
      : null
    this.imageNode.image(this.imageRaster?.canvas)
    this.overlayNode.image(this.overlay?.canvas)
    if (session) {
      const { width, height } = session.doc.label
      this.imageNode.size({ width, height })
      this.overlayNode.size({ width, height })
      this.overlay!.draw(null)
    }
    this.fit()
    this.drawUi()
  }

  /** Re-renders the image through a display window. */
  renderImage(win: DisplayWindow): void {
    this.imageRaster?.render(win)
    this.stage.batchDraw()
  }

  /** Redraws the overlay inside `rect` (or all of it). */
  redrawOverlay(rect: Rect | null): void {
    this.overlay?.draw(rect)
    this.stage.batchDraw()
  }

  /** Overlay opacity 0..1 and visibility. */
  setOverlay(opacity: number, visible: boolean): void {
    this.overlayNode.opacity(opacity)
    this.overlayNode.visible(visible)
    this.stage.batchDraw()
  }

  /** Colours of the label values (the project's classes); redraws when they change. */
  setPalette(palette: LabelPalette): void {
    this.palette = palette
    if (!this.overlay) return
    this.overlay.palette = palette
    this.redrawOverlay(null)
  }

  /** Highlights one label value (the active instance); `outline` draws edges only. */
  setOverlayStyle(highlight: number, outline: boolean): void {
    const o = this.overlay
    if (!o || (o.highlight === highlight && o.outline === outline)) return
    o.highlight = highlight
    o.outline = outline
    this.redrawOverlay(null)
  }

  /** Updates tool, brush size and paint value. */
  setTool(settings: ToolSettings): void {
    if (settings.tool !== this.settings.tool) this.polygon.reset()
    this.settings = { ...settings }
    this.drawUi()
  }

  /** Space held: dragging pans. */
  setSpaceHeld(held: boolean): void {
    this.spaceHeld = held
    this.updateCursorStyle()
  }

  /** Fits the image into the view. */
  fit(): void {
    const label = this.session?.doc.label
    if (!label) return
    this.setView(fitView(label.width, label.height, this.stage.width(), this.stage.height()))
    this.fitted = true
  }

  /** Zooms by `factor` around the view centre. */
  zoomBy(factor: number): void {
    this.fitted = false
    this.setView(
      zoomAt(this.view, { x: this.stage.width() / 2, y: this.stage.height() / 2 }, factor)
    )
  }

  /** Fills the polygon in progress (Enter / double-click). */
  finishPolygon(): void {
    const doc = this.session?.doc
    if (!doc || this.polygon.count < 3) return this.cancelPolygon()
    const rect = doc.fillPolygon(this.polygon.points, this.settings.value)
    this.polygon.reset()
    this.committed(rect)
  }

  /** Drops the polygon in progress (Escape). */
  cancelPolygon(): void {
    this.polygon.reset()
    this.drawUi()
  }

  /** Releases Konva, observers and listeners. */
  destroy(): void {
    this.detach()
    this.observer.disconnect()
    this.stage.destroy()
  }

  private resize(): void {
    const w = this.container.clientWidth
    const h = this.container.clientHeight
    if (!w || !h || (w === this.stage.width() && h === this.stage.height())) return
    this.stage.size({ width: w, height: h })
    if (this.fitted) this.fit()
    this.stage.batchDraw()
  }

  private setView(view: ViewTransform): void {
    this.view = view
    this.stage.scale({ x: view.scale, y: view.scale })
    this.stage.position({ x: view.x, y: view.y })
    this.callbacks.onZoom(view.scale)
    this.drawUi()
  }

  private screenPoint(e: MouseEvent): { x: number; y: number } {
    const box = this.container.getBoundingClientRect()
    return { x: e.clientX - box.left, y: e.clientY - box.top }
  }

  private listen(): () => void {
    const c = this.container
    const down = (e: PointerEvent) => this.pointerDown(e)
    const move = (e: PointerEvent) => this.pointerMove(e)
    const up = (e: PointerEvent) => this.pointerUp(e)
    const leave = () => {
      this.callbacks.onCursor(null)
      this.toolLayer.hideCursor()
      this.stage.batchDraw()
    }
    const wheel = (e: WheelEvent) => {
      e.preventDefault()
      const factor = Math.pow(WHEEL_ZOOM, -e.deltaY * (e.deltaMode === 1 ? 30 : 1))
      this.fitted = false
      this.setView(zoomAt(this.view, this.screenPoint(e), factor))
    }
    const dbl = () => {
      if (this.settings.tool === 'polygon') this.finishPolygon()
    }
    const menu = (e: Event) => e.preventDefault()
    const middle = (e: MouseEvent) => {
      if (e.button === 1) e.preventDefault()
    }
    const ac = new AbortController()
    const on = (type: string, fn: (e: never) => void, passive = true) =>
      c.addEventListener(type, fn as EventListener, { signal: ac.signal, passive })
    on('pointerdown', down)
    on('pointermove', move)
    on('pointerup', up)
    on('pointercancel', up)
    on('pointerleave', leave)
    on('wheel', wheel, false)
    on('dblclick', dbl)
    on('contextmenu', menu, false)
    on('mousedown', middle, false)
    return () => ac.abort()
  }

  private pointerDown(e: PointerEvent): void {
    const doc = this.session?.doc
    if (!doc) return
    const s = this.screenPoint(e)
    const p = toImage(this.view, s)
    this.container.setPointerCapture?.(e.pointerId)
    if (e.button === 1 || (e.button === 0 && (this.spaceHeld || this.settings.tool === 'pan'))) {
      e.preventDefault()
      this.panning = { x: s.x, y: s.y, vx: this.view.x, vy: this.view.y }
      this.updateCursorStyle()
      return
    }
    if (e.button !== 0) return
    const { tool, brushSize, value, eraseValue } = this.settings
    if (tool === 'brush' || tool === 'eraser') {
      const v = tool === 'eraser' ? eraseValue : value
      this.painting = { last: p, value: v }
      const rect = doc.stroke(p.x, p.y, p.x, p.y, brushSize, v)
      if (rect) this.redrawOverlay(rect)
    } else if (tool === 'polygon') {
      if (this.polygon.down(p, s, this.view.scale)) this.finishPolygon()
      else this.drawUi()
    } else if (tool === 'fill') {
      this.committed(doc.floodFill(p.x, p.y, value))
    } else if (tool === 'pick' || tool === 'merge') {
      this.callbacks.onPick(valueAt(doc.label, p.x, p.y), tool === 'merge' || e.shiftKey)
    }
  }

  private pointerMove(e: PointerEvent): void {
    const doc = this.session?.doc
    if (!doc) return
    const s = this.screenPoint(e)
    const p = toImage(this.view, s)
    if (this.panning) {
      const { x, y, vx, vy } = this.panning
      this.fitted = false
      this.setView({ scale: this.view.scale, x: vx + s.x - x, y: vy + s.y - y })
      return
    }
    const inside = p.x >= 0 && p.y >= 0 && p.x < doc.label.width && p.y < doc.label.height
    this.callbacks.onCursor(
      inside
        ? { x: Math.floor(p.x), y: Math.floor(p.y), value: valueAt(doc.label, p.x, p.y) }
        : null
    )
    if (this.painting) {
      const { last, value } = this.painting
      const rect = doc.stroke(last.x, last.y, p.x, p.y, this.settings.brushSize, value)
      this.painting.last = p
      if (rect) this.overlay?.draw(rect)
    } else if (this.settings.tool === 'polygon' && e.buttons & 1) {
      this.polygon.drag(p, s)
    }
    this.drawUi(p)
  }

  private pointerUp(e: PointerEvent): void {
    this.container.releasePointerCapture?.(e.pointerId)
    if (this.panning) {
      this.panning = null
      this.updateCursorStyle()
      return
    }
    if (this.painting) {
      this.painting = null
      this.committed(this.session?.doc.commit() ?? null)
    } else if (this.settings.tool === 'polygon' && this.polygon.up()) {
      this.finishPolygon()
    }
  }

  private committed(rect: Rect | null): void {
    if (rect) {
      this.redrawOverlay(rect)
      this.callbacks.onEdit(rect)
    }
    this.drawUi()
  }

  private updateCursorStyle(): void {
    const pan = this.panning || this.spaceHeld || this.settings.tool === 'pan'
    this.container.style.cursor = this.panning ? 'grabbing' : pan ? 'grab' : 'crosshair'
  }

  private drawUi(p?: { x: number; y: number }): void {
    const { tool, brushSize } = this.settings
    this.toolLayer.draw(
      { tool, brushSize, scale: this.view.scale, spaceHeld: this.spaceHeld },
      this.polygon,
      p
    )
    this.updateCursorStyle()
    this.stage.batchDraw()
  }
}
