/** Offscreen canvases behind the Konva images: the windowed image and the label overlay. */
import { DEFAULT_PALETTE, renderOverlayRect, type LabelPalette } from '../lib/label-colors'
import { growRect, type LabelBuffer, type Rect } from '../lib/label-types'
import { applyWindow, type DisplayWindow, type ImagePixels } from '../lib/windowing'

function canvas2d(width: number, height: number): [HTMLCanvasElement, CanvasRenderingContext2D] {
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new Error('No 2D canvas available')
  return [canvas, ctx]
}

/** The image drawn through a display window (8- or 16-bit source). */
export class ImageRaster {
  readonly canvas: HTMLCanvasElement
  private ctx: CanvasRenderingContext2D
  private pixels: ImageData

  constructor(private readonly image: ImagePixels) {
    ;[this.canvas, this.ctx] = canvas2d(image.width, image.height)
    this.pixels = this.ctx.createImageData(image.width, image.height)
  }

  /** Re-renders the whole image through `win`. */
  render(win: DisplayWindow): void {
    applyWindow(this.image, win, this.pixels.data)
    this.ctx.putImageData(this.pixels, 0, 0)
  }
}

/** The label overlay; redraws only the rectangles that changed. */
export class OverlayRaster {
  readonly canvas: HTMLCanvasElement
  private ctx: CanvasRenderingContext2D
  palette: LabelPalette = DEFAULT_PALETTE
  highlight = 0
  outline = false

  constructor(private readonly label: LabelBuffer) {
    ;[this.canvas, this.ctx] = canvas2d(label.width, label.height)
  }

  /** Redraws `rect` (grown by one pixel: instance edges depend on neighbours), or everything. */
  draw(rect: Rect | null): void {
    const { width, height } = this.label
    const r = rect ? growRect(rect, 1, width, height) : { x: 0, y: 0, width, height }
    if (!r) return
    const img = this.ctx.createImageData(r.width, r.height)
    renderOverlayRect(this.label, r, this.palette, img.data, {
      highlight: this.highlight,
      outline: this.outline
    })
    this.ctx.putImageData(img, r.x, r.y)
  }
}
