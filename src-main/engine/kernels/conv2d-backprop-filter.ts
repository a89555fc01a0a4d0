/**
 * Conv2DBackpropFilter for the wasm backend (tfjs-backend-wasm has none): im2col of the input
 * straight on the wasm heap, then one GEMM `colsᵀ · dy` through the backend's own BatchMatMul,
 * in chunks of whole images so the scratch buffer stays bounded.
 */
import { tf } from '../tf'
import { im2col, type ConvGeometry } from './im2col'
import {
  allocView,
  batchMatMul,
  heap,
  idOf,
  offsetOf,
  releaseView,
  viewOf,
  type WasmBackendLike
} from './wasm-heap'

/** Largest im2col scratch buffer, in floats (64 MiB). */
export const DEFAULT_MAX_COLUMN_FLOATS = 16 * 1024 * 1024

/** Tunables of the filter-gradient kernel (tests shrink the scratch limit to force chunking). */
export const filterGradOptions = { maxColumnFloats: DEFAULT_MAX_COLUMN_FLOATS }

interface Attrs {
  strides: number | [number, number]
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding
  dataFormat: 'NHWC' | 'NCHW'
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
  filterShape: [number, number, number, number]
}

/** Conv geometry for the filter gradient (dilation 1, NHWC). */
export function filterGradGeometry(xShape: number[], attrs: Attrs): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast'
  )
  return {
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: 1,
    dilationWidth: 1,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left
  }
}

function conv2DBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap
  backend: unknown
  attrs?: unknown
}): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo }
  const attrs = args.attrs as Attrs
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): NCHW unsupported')
  const g = filterGradGeometry(x.shape, attrs)
  const batch = x.shape[0]
  const cout = attrs.filterShape[3]
  const cols = g.filterHeight * g.filterWidth * g.inChannels
  const positions = g.outHeight * g.outWidth
  const perChunk = Math.max(
    1,
    Math.min(batch, Math.floor(filterGradOptions.maxColumnFloats / (positions * cols)))
  )
  const out = backend.makeOutput([...attrs.filterShape], 'float32')
  const outId = idOf(backend, out)
  const scratch = allocView(backend, perChunk * positions * cols)
  const partial = batch > perChunk ? allocView(backend, cols * cout) : null
  for (let first = 0; first < batch; first += perChunk) {
    const count = Math.min(perChunk, batch - first)
    const rows = count * positions
    im2col(
      heap(backend),
      offsetOf(backend, x) / 4,
      heap(backend),
      scratch.offset / 4,
      g,
      first,
      count
    )
    const dyChunk = viewOf(
      backend,
      offsetOf(backend, dy) + first * positions * cout * 4,
      rows * cout
    )
    batchMatMul(
      backend,
      { id: scratch.id, shape: [1, rows, cols] },
      { id: dyChunk.id, shape: [1, rows, cout] },
      true,
      false,
      first === 0 || partial === null ? outId : partial.id
    )
    releaseView(backend, dyChunk, false)
    if (first > 0 && partial !== null) {
      const h = heap(backend)
      const o = offsetOf(backend, out) / 4
      const p = partial.offset / 4
      for (let i = 0; i < cols * cout; i++) h[o + i] += h[p + i]
    }
  }
  if (partial !== null) releaseView(backend, partial, true)
  releaseView(backend, scratch, true)
  return out
}

/** Kernel config registered for the `wasm` backend. */
export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as tf.KernelFunc
}
