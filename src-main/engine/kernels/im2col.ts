/**
 * Convolution geometry and the transposed im2col used by the strided filter gradient: one row per
 * filter tap and input channel, one column per output position, zero where the window hangs over
 * the padding, so `cols · dy` is a plain (XNNPACK) GEMM.
 */

import type { tf } from '../backend/tf'

/** The attributes every tfjs convolution kernel and its gradient kernels carry. */
export interface ConvAttrs {
  strides: number | [number, number]
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding
  dataFormat: 'NHWC' | 'NCHW'
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
}

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
  padTop: number
  padLeft: number
}

/**
 * Writes the transposed patches of images `[first, first + count)` of NHWC `src` (from `srcBase`)
 * into `dst` from `dstBase`: `dst[(tap * inChannels + c) * positions + p]`.
 */
export function im2colTransposed(
  src: Float32Array,
  srcBase: number,
  dst: Float32Array,
  dstBase: number,
  g: ConvGeometry,
  first: number,
  count: number
): void {
  const cin = g.inChannels
  const positions = count * g.outHeight * g.outWidth
  const rows = g.filterHeight * g.filterWidth * cin
  dst.fill(0, dstBase, dstBase + rows * positions)
  let p = 0
  for (let n = first; n < first + count; n++) {
    const image = srcBase + n * g.inHeight * g.inWidth * cin
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let ow = 0; ow < g.outWidth; ow++, p++) {
        for (let kh = 0; kh < g.filterHeight; kh++) {
          const ih = oh * g.strideHeight - g.padTop + kh
          if (ih < 0 || ih >= g.inHeight) continue
          for (let kw = 0; kw < g.filterWidth; kw++) {
            const iw = ow * g.strideWidth - g.padLeft + kw
            if (iw < 0 || iw >= g.inWidth) continue
            const s = image + (ih * g.inWidth + iw) * cin
            let d = dstBase + (kh * g.filterWidth + kw) * cin * positions + p
            for (let c = 0; c < cin; c++, d += positions) dst[d] = src[s + c]
          }
        }
      }
    }
  }
}
