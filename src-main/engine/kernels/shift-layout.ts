/**
 * Layouts for the "shifted GEMM" form of a stride-1 convolution: on a zero-padded grid of
 * `gridH x gridW` pixels per image (one output window corner per grid cell), moving a filter tap
 * by (kh, kw) is a constant offset `kh * gridW + kw` in the flattened grid, so each tap's
 * contribution is one plain GEMM over the whole batch with no im2col.
 */
import type { ConvGeometry } from './im2col'

/** Padded-grid sizes for a stride-1 conv. */
export interface ShiftGrid {
  gridH: number
  gridW: number
  /** Grid cells for `count` images. */
  cells: number
  /** Largest tap offset, in grid cells. */
  maxOffset: number
}

/** Grid for `count` images of geometry `g` (stride 1, dilation 1). */
export function shiftGrid(g: ConvGeometry, count: number): ShiftGrid {
  const gridH = g.outHeight + g.filterHeight - 1
  const gridW = g.outWidth + g.filterWidth - 1
  const maxOffset = (g.filterHeight - 1) * gridW + (g.filterWidth - 1)
  return { gridH, gridW, cells: count * gridH * gridW, maxOffset }
}

/**
 * Writes images `[first, first + count)` of NHWC `x` channel-major onto the padded grid:
 * `dst[c * cells + cell]`, zero where the grid lies outside the image.
 */
export function gridChannelsMajor(
  x: Float32Array,
  xBase: number,
  dst: Float32Array,
  dstBase: number,
  g: ConvGeometry,
  grid: ShiftGrid,
  first: number,
  count: number
): void {
  const cin = g.inChannels
  const cells = grid.cells
  dst.fill(0, dstBase, dstBase + cin * cells)
  for (let i = 0; i < count; i++) {
    const image = xBase + (first + i) * g.inHeight * g.inWidth * cin
    for (let r = 0; r < grid.gridH; r++) {
      const ih = r - g.padTop
      if (ih < 0 || ih >= g.inHeight) continue
      const c0 = Math.max(0, g.padLeft)
      const c1 = Math.min(grid.gridW, g.inWidth + g.padLeft)
      let s = image + (ih * g.inWidth + (c0 - g.padLeft)) * cin
      let cell = dstBase + (i * grid.gridH + r) * grid.gridW + c0
      for (let c = c0; c < c1; c++, cell++) {
        for (let ch = 0; ch < cin; ch++) dst[cell + ch * cells] = x[s++]
      }
    }
  }
}

/**
 * Writes images `[first, first + count)` of NHWC `dy` (output-sized) pixel-major onto the grid,
 * after `lead` zero cells: `dst[(lead + cell) * channels + c]`, zero elsewhere.
 */
export function gridPixelsMajor(
  dy: Float32Array,
  dyBase: number,
  dst: Float32Array,
  dstBase: number,
  g: ConvGeometry,
  channels: number,
  grid: ShiftGrid,
  lead: number,
  first: number,
  count: number
): void {
  dst.fill(0, dstBase, dstBase + (lead + grid.cells) * channels)
  const row = g.outWidth * channels
  for (let i = 0; i < count; i++) {
    for (let oh = 0; oh < g.outHeight; oh++) {
      const s = dyBase + ((first + i) * g.outHeight + oh) * g.outWidth * channels
      const cell = lead + (i * grid.gridH + oh) * grid.gridW
      dst.set(dy.subarray(s, s + row), dstBase + cell * channels)
    }
  }
}
