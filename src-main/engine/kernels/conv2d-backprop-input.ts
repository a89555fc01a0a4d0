/**
 * Conv2DBackpropInput for the wasm backend. tfjs-backend-wasm's own kernel is a scalar loop; for
 * stride 1 the input gradient is a plain convolution of dy with the flipped, in/out-swapped filter,
 * which runs on the backend's XNNPACK Conv2D. When windows do not overlap (stride = filter size,
 * no padding: transposed-conv upsampling) it is one XNNPACK GEMM plus a scatter. Other cases fall
 * back to the original kernel.
 */
import { tf } from '../backend/tf'
import { winogradShapeOf } from './conv2d-winograd'
import type { ConvAttrs } from './im2col'
import { nativeModule } from './native-module'
import { runOriginal } from './original-kernels'
import { pointwiseFits, pointwiseInputGrad } from './pointwise-grad'
import {
  allocView,
  batchMatMul,
  heap,
  idOf,
  offsetOf,
  releaseView,
  type WasmBackendLike
} from './wasm-heap'
import { winogradConv } from './winograd'

interface Attrs extends ConvAttrs {
  inputShape: [number, number, number, number]
}

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }

function fallback(args: Args): tf.TensorInfo {
  return runOriginal('Conv2DBackpropInput', args) as tf.TensorInfo
}

/** Writes W'[kh, kw, co, ci] = W[KH-1-kh, KW-1-kw, ci, co]. */
function flipSwap(
  src: Float32Array,
  s0: number,
  dst: Float32Array,
  d0: number,
  shape: number[]
): void {
  const [kh, kw, cin, cout] = shape
  for (let h = 0; h < kh; h++) {
    for (let w = 0; w < kw; w++) {
      const from = s0 + ((kh - 1 - h) * kw + (kw - 1 - w)) * cin * cout
      const to = d0 + (h * kw + w) * cout * cin
      for (let ci = 0; ci < cin; ci++) {
        for (let co = 0; co < cout; co++) dst[to + co * cin + ci] = src[from + ci * cout + co]
      }
    }
  }
}

/** dx for stride = filter size, no padding: Y = dy · Wᵀ-rows (one GEMM), then each row to its window. */
function nonOverlapping(
  backend: WasmBackendLike,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  inputShape: number[]
): tf.TensorInfo {
  const [kh, kw, cin, cout] = filter.shape
  const [n, ho, wo] = dy.shape
  const [, height, width] = inputShape
  const cols = kh * kw * cin
  const positions = n * ho * wo
  const wt = allocView(backend, cout * cols)
  const y = allocView(backend, positions * cols)
  let h = heap(backend)
  const w0 = offsetOf(backend, filter) / 4
  const t0 = wt.offset / 4
  for (let k = 0; k < cols; k++) {
    for (let co = 0; co < cout; co++) h[t0 + co * cols + k] = h[w0 + k * cout + co]
  }
  const lhs = { id: idOf(backend, dy), shape: [1, positions, cout] }
  batchMatMul(backend, lhs, { id: wt.id, shape: [1, cout, cols] }, false, false, y.id)
  const out = backend.makeOutput([...inputShape], 'float32')
  h = heap(backend)
  const o0 = offsetOf(backend, out) / 4
  let src = y.offset / 4
  for (let b = 0; b < n; b++) {
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        for (let i = 0; i < kh; i++) {
          const row = o0 + ((b * height + oh * kh + i) * width + ow * kw) * cin
          h.copyWithin(row, src, src + kw * cin)
          src += kw * cin
        }
      }
    }
  }
  releaseView(backend, wt, true)
  releaseView(backend, y, true)
  return out
}

function conv2DBackpropInput(args: Args): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike & { disposeData(id: object): void }
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo }
  const attrs = args.attrs as Attrs
  const [kh, kw, cin, cout] = filter.shape
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    [kh, kw, cin, cout],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast'
  )
  const p = info.padInfo
  const pads = [kh - 1 - p.top, kh - 1 - p.bottom, kw - 1 - p.left, kw - 1 - p.right]
  const [, height, width] = attrs.inputShape
  const strides: [number, number] = [info.strideHeight, info.strideWidth]
  const padding = [p.top, p.bottom, p.left, p.right]
  if (attrs.dataFormat !== 'NCHW' && pointwiseFits(backend, filter.shape, strides, padding)) {
    const out = backend.makeOutput([...attrs.inputShape], 'float32')
    pointwiseInputGrad(backend, dy, filter, offsetOf(backend, out))
    return out
  }
  if (
    attrs.dataFormat !== 'NCHW' &&
    info.strideHeight === kh &&
    info.strideWidth === kw &&
    p.top + p.bottom + p.left + p.right === 0 &&
    height === dy.shape[1] * kh &&
    width === dy.shape[2] * kw
  ) {
    return nonOverlapping(backend, dy, filter, attrs.inputShape)
  }
  const wino = winogradShapeOf([dy.shape[0], dy.shape[1], dy.shape[2], cout], [kh, kw, cout, cin], {
    strides: attrs.strides,
    pad: attrs.pad,
    dataFormat: attrs.dataFormat
  })
  const native = wino && info.strideHeight === 1 ? nativeModule(backend) : null
  if (wino && native) {
    const out = backend.makeOutput([...attrs.inputShape], 'float32')
    const [d0, f0, o0] = [dy, filter, out].map((t) => offsetOf(backend, t))
    winogradConv(native, wino, d0, f0, 0, false, true, o0)
    return out
  }
  const conv = tf.getKernel('Conv2D', 'wasm')
  if (
    attrs.dataFormat === 'NCHW' ||
    info.strideHeight !== 1 ||
    info.strideWidth !== 1 ||
    pads.some((v) => v < 0) ||
    conv === undefined
  ) {
    return fallback(args)
  }
  const flipped = backend.makeOutput([kh, kw, cout, cin], 'float32')
  flipSwap(
    heap(backend),
    offsetOf(backend, filter) / 4,
    heap(backend),
    offsetOf(backend, flipped) / 4,
    filter.shape
  )
  const out = conv.kernelFunc({
    inputs: { x: dy, filter: flipped },
    backend: backend as unknown as tf.KernelBackend,
    attrs: {
      strides: 1,
      pad: [
        [0, 0],
        [pads[0], pads[1]],
        [pads[2], pads[3]],
        [0, 0]
      ],
      dataFormat: 'NHWC',
      dilations: 1,
      dimRoundingMode: undefined
    } as never
  }) as tf.TensorInfo
  backend.disposeData(flipped.dataId)
  return out
}

/** Kernel config registered for the `wasm` backend. */
export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as tf.KernelFunc
}
