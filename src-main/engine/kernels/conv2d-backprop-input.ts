/**
 * Conv2DBackpropInput for the wasm backend. tfjs-backend-wasm's own kernel is a scalar loop; for
 * stride 1 the input gradient is a plain convolution of dy with the flipped, in/out-swapped filter,
 * which runs on the backend's XNNPACK Conv2D. Other strides fall back to the original kernel.
 */
import { tf } from '../tf'
import { runOriginal } from './original-kernels'
import { heap, offsetOf, type WasmBackendLike } from './wasm-heap'

interface Attrs {
  strides: number | [number, number]
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding
  dataFormat: 'NHWC' | 'NCHW'
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
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
