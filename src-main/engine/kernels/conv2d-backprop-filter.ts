/**
 * Conv2DBackpropFilter for the wasm backend (tfjs-backend-wasm has none). Stride 1: the shifted
 * GEMM form (one XNNPACK GEMM per filter tap over the whole batch, no im2col). Other strides: a
 * transposed im2col and one GEMM. Both work in chunks of whole images to bound scratch memory.
 */
import { tf } from '../backend/tf'
import { winogradShapeOf } from './conv2d-winograd'
import { im2colTransposed, type ConvAttrs, type ConvGeometry } from './im2col'
import {
  imagesPerCall,
  isNonOverlapping,
  nativeShiftFilterGrad,
  nativeWindowFilterGrad
} from './native-filter-grad'
import { nativeModule } from './native-module'
import { pointwiseFilterGrad, pointwiseFits } from './pointwise-grad'
import { gridChannelsMajor, gridPixelsMajor, shiftGrid } from './shift-layout'
import {
  allocView,
  batchMatMul,
  heap,
  offsetOf,
  releaseView,
  viewOf,
  type HeapView,
  type WasmBackendLike
} from './wasm-heap'
import { winogradFilterGrad } from './winograd'

/** Largest scratch buffer, in floats (256 MiB). */
export const DEFAULT_MAX_SCRATCH_FLOATS = 64 * 1024 * 1024

/** Tunables of the filter-gradient kernel (tests shrink the scratch limit to force chunking). */
export const filterGradOptions = {
  maxScratchFloats: DEFAULT_MAX_SCRATCH_FLOATS,
  /** Stride 1 on our own SIMD module (else shifted XNNPACK GEMMs). */
  native: true
}

interface Attrs extends ConvAttrs {
  filterShape: [number, number, number, number]
}

/** Conv geometry (NHWC, dilation 1) from a kernel's attributes. */
export function convGeometry(
  xShape: number[],
  filterShape: [number, number, number, number],
  attrs: ConvAttrs
): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape,
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
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left
  }
}

/** Runs `chunk(first, count, targetOffset)` per image chunk, summing the results into `out`. */
function accumulateChunks(
  backend: WasmBackendLike,
  outOffset: number,
  size: number,
  batch: number,
  perChunk: number,
  chunk: (first: number, count: number, targetOffset: number) => void
): void {
  const partial = batch > perChunk ? allocView(backend, size) : null
  for (let first = 0; first < batch; first += perChunk) {
    const count = Math.min(perChunk, batch - first)
    chunk(first, count, first === 0 || partial === null ? outOffset : partial.offset)
    if (first > 0 && partial !== null) {
      const h = heap(backend)
      const o = outOffset / 4
      const p = partial.offset / 4
      for (let i = 0; i < size; i++) h[o + i] += h[p + i]
    }
  }
  if (partial !== null) releaseView(backend, partial, true)
}

/** dW[tap] = Xgridᵀ-rows · shifted dy-grid, one GEMM per filter tap. */
function shiftedFilterGrad(
  backend: WasmBackendLike,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  g: ConvGeometry,
  cout: number,
  outOffset: number
): void {
  const batch = x.shape[0]
  const cin = g.inChannels
  const one = shiftGrid(g, 1)
  const perImage = one.cells * (cin + cout)
  const budget = filterGradOptions.maxScratchFloats - one.maxOffset * cout
  const perChunk = Math.max(1, Math.min(batch, Math.floor(budget / perImage)))
  const taps = g.filterHeight * g.filterWidth
  accumulateChunks(
    backend,
    outOffset,
    taps * cin * cout,
    batch,
    perChunk,
    (first, count, target) => {
      const grid = shiftGrid(g, count)
      const xs = allocView(backend, cin * grid.cells)
      const ds = allocView(backend, (grid.maxOffset + grid.cells) * cout)
      gridChannelsMajor(
        heap(backend),
        offsetOf(backend, x) / 4,
        heap(backend),
        xs.offset / 4,
        g,
        grid,
        first,
        count
      )
      const dyBase = offsetOf(backend, dy) / 4
      gridPixelsMajor(
        heap(backend),
        dyBase,
        heap(backend),
        ds.offset / 4,
        g,
        cout,
        grid,
        grid.maxOffset,
        first,
        count
      )
      for (let kh = 0; kh < g.filterHeight; kh++) {
        for (let kw = 0; kw < g.filterWidth; kw++) {
          const shift = grid.maxOffset - (kh * grid.gridW + kw)
          const b = viewOf(backend, ds.offset + shift * cout * 4, grid.cells * cout)
          const o = viewOf(backend, target + (kh * g.filterWidth + kw) * cin * cout * 4, cin * cout)
          batchMatMul(
            backend,
            { id: xs.id, shape: [1, cin, grid.cells] },
            { id: b.id, shape: [1, grid.cells, cout] },
            false,
            false,
            o.id
          )
          releaseView(backend, b, false)
          releaseView(backend, o, false)
        }
      }
      releaseView(backend, xs, true)
      releaseView(backend, ds, true)
    }
  )
}

/** dW = colsᵀ-rows · dy with a transposed im2col (any stride). */
function im2colFilterGrad(
  backend: WasmBackendLike,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  g: ConvGeometry,
  cout: number,
  outOffset: number
): void {
  const batch = x.shape[0]
  const rows = g.filterHeight * g.filterWidth * g.inChannels
  const positions = g.outHeight * g.outWidth
  const limit = Math.floor(filterGradOptions.maxScratchFloats / (positions * rows))
  const perChunk = Math.max(1, Math.min(batch, limit))
  accumulateChunks(backend, outOffset, rows * cout, batch, perChunk, (first, count, target) => {
    const cols = allocView(backend, rows * count * positions)
    im2colTransposed(
      heap(backend),
      offsetOf(backend, x) / 4,
      heap(backend),
      cols.offset / 4,
      g,
      first,
      count
    )
    const p = count * positions
    const dyChunk = viewOf(backend, offsetOf(backend, dy) + first * positions * cout * 4, p * cout)
    const o: HeapView = viewOf(backend, target, rows * cout)
    batchMatMul(
      backend,
      { id: cols.id, shape: [1, rows, p] },
      { id: dyChunk.id, shape: [1, p, cout] },
      false,
      false,
      o.id
    )
    releaseView(backend, o, false)
    releaseView(backend, dyChunk, false)
    releaseView(backend, cols, true)
  })
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
  const g = convGeometry(x.shape, attrs.filterShape, attrs)
  const cout = attrs.filterShape[3]
  const out = backend.makeOutput([...attrs.filterShape], 'float32')
  const outOffset = offsetOf(backend, out)
  const native = filterGradOptions.native ? nativeModule(backend) : null
  const wino = winogradShapeOf(x.shape, attrs.filterShape, attrs, true)
  if (native !== null && wino !== null) {
    winogradFilterGrad(native, wino, offsetOf(backend, x), offsetOf(backend, dy), outOffset)
    return out
  }
  const strides: [number, number] = [g.strideHeight, g.strideWidth]
  const pads = [g.padTop, g.padLeft, g.outHeight - g.inHeight, g.outWidth - g.inWidth]
  if (native !== null && pointwiseFits(backend, attrs.filterShape, strides, pads)) {
    pointwiseFilterGrad(backend, x, dy, cout, outOffset)
    return out
  }
  const stride1 = g.strideHeight === 1 && g.strideWidth === 1
  if (native !== null && (stride1 || isNonOverlapping(g))) {
    const size = g.filterHeight * g.filterWidth * g.inChannels * cout
    heap(backend).fill(0, outOffset / 4, outOffset / 4 + size)
    const batch = x.shape[0]
    const perCall = stride1
      ? imagesPerCall(g, cout, batch, filterGradOptions.maxScratchFloats / 2)
      : Math.max(
          1,
          Math.floor(
            filterGradOptions.maxScratchFloats /
              2 /
              (g.outHeight * g.outWidth * (size / cout + cout))
          )
        )
    const kernel = stride1 ? nativeShiftFilterGrad : nativeWindowFilterGrad
    for (let first = 0; first < batch; first += perCall) {
      const count = Math.min(perCall, batch - first)
      const xBase = offsetOf(backend, x) / 4
      const dyBase = offsetOf(backend, dy) / 4
      kernel(native, () => heap(backend), xBase, dyBase, g, cout, first, count, outOffset / 4)
    }
  } else if (g.strideHeight === 1 && g.strideWidth === 1) {
    shiftedFilterGrad(backend, x, dy, g, cout, outOffset)
  } else {
    im2colFilterGrad(backend, x, dy, g, cout, outOffset)
  }
  return out
}

/** Kernel config registered for the `wasm` backend. */
export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as tf.KernelFunc
}
