/**
 * im2col on raw float arrays: one row per output position, `kh * kw * inChannels` columns in
 * filter order, so `rowsᵀ · dy` is the filter gradient. Zeros where the window hangs over the pad.
 */

/** Geometry of a 2-D convolution on NHWC data. */
export interface ConvGeometry {
  inHeight: number
  inWidth: number
  inChannels: number
  outHeight: number
  outWidth: number
  filterHeight: number
  filterWidth: number
  strideHeight: number
  strideWidth: number
  dilationHeight: number
  dilationWidth: number
  padTop: number
  padLeft: number
}

/**
 * Writes the patches of images `[first, first + count)` of `src` (NHWC, starting at `srcBase`)
 * into `dst` at `dstBase`.
 */
export function im2col(
  src: Float32Array,
  srcBase: number,
  dst: Float32Array,
  dstBase: number,
  g: ConvGeometry,
  first: number,
  count: number
): void {
  const cin = g.inChannels
  const imageSize = g.inHeight * g.inWidth * cin
  let d = dstBase
  for (let n = first; n < first + count; n++) {
    const image = srcBase + n * imageSize
    for (let oh = 0; oh < g.outHeight; oh++) {
      const top = oh * g.strideHeight - g.padTop
      for (let ow = 0; ow < g.outWidth; ow++) {
        const left = ow * g.strideWidth - g.padLeft
        for (let kh = 0; kh < g.filterHeight; kh++) {
          const ih = top + kh * g.dilationHeight
          const rowOk = ih >= 0 && ih < g.inHeight
          for (let kw = 0; kw < g.filterWidth; kw++) {
            const iw = left + kw * g.dilationWidth
            if (rowOk && iw >= 0 && iw < g.inWidth) {
              const s = image + (ih * g.inWidth + iw) * cin
              if (cin < 16) for (let c = 0; c < cin; c++) dst[d + c] = src[s + c]
              else dst.set(src.subarray(s, s + cin), d)
            } else {
              dst.fill(0, d, d + cin)
            }
            d += cin
          }
        }
      }
    }
  }
}
