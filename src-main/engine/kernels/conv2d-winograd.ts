/**
 * Conv2D and FusedConv2D for the wasm backend: 3×3 stride-1 'same' convolutions (every conv of a
 * U-Net but the first and the 1×1 head) run as Winograd F(4×4, 3×3) on our SIMD module, with the
 * bias and a ReLU applied in the output transform. Everything else runs XNNPACK as before.
 */
import { tf } from '../backend/tf'
import type { ConvAttrs } from './im2col'
import { nativeModule } from './native-module'
import { runOriginal } from './original-kernels'
import { offsetOf, type WasmBackendLike } from './wasm-heap'
import {
  transformedFilterFloats,
  winogradConv,
  winogradFilter,
  winogradFits,
  winogradOptions,
  type WinogradShape
} from './winograd'

interface ForwardAttrs extends ConvAttrs {
  dilations?: number | [number, number]
  activation?: string
}

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }

/**
 * The Winograd shape of a convolution of `xShape` by `filterShape` (HWIO), or null when it is not
 * a 3×3, stride-1, dilation-1 convolution padded by one on every side with suitable channels.
 */
export function winogradShapeOf(
  xShape: number[],
  filterShape: number[],
  attrs: Omit<ForwardAttrs, 'activation'>
): WinogradShape | null {
  if (!winogradOptions.enabled || attrs.dataFormat === 'NCHW') return null
  const [kh, kw, cin, cout] = filterShape
  if (kh !== 3 || kw !== 3 || !winogradFits(cin, cout) || xShape[3] !== cin) return null
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast'
  )
  const p = info.padInfo
  const ones = [info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth]
  const same = info.outHeight === info.inHeight && info.outWidth === info.inWidth
  if (ones.some((v) => v !== 1) || !same || [p.top, p.bottom, p.left, p.right].some((v) => v !== 1))
    return null
  return { n: info.batchSize, h: info.inHeight, w: info.inWidth, cin, cout }
}

function convolve(args: Args, name: 'Conv2D' | 'FusedConv2D'): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike
  const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo>
  const attrs = args.attrs as ForwardAttrs
  const activation = attrs.activation ?? 'linear'
  const shape = winogradShapeOf(x.shape, filter.shape, attrs)
  const native = shape ? nativeModule(backend) : null
  const simple = (activation === 'linear' || activation === 'relu') && !preluActivationWeights
  const biasOk = !bias || (bias.shape.length === 1 && bias.shape[0] === filter.shape[3])
  if (shape === null || native === null || !simple || !biasOk) {
    return runOriginal(name, args) as tf.TensorInfo
  }
  const out = backend.makeOutput([shape.n, shape.h, shape.w, shape.cout], 'float32')
  const kept = pretransformed.get(filter.dataId)
  const ready = kept && !kept.isDisposed ? kept : undefined
  const [x0, f0, o0] = [x, ready ?? filter, out].map((t) => offsetOf(backend, t))
  const b0 = bias ? offsetOf(backend, bias) : 0
  winogradConv(native, shape, x0, f0, b0, activation === 'relu', false, o0, ready !== undefined)
  return out
}

/** Filters (by data id) whose transform was kept by `pretransformFilter`, and that transform. */
const pretransformed = new WeakMap<object, tf.Tensor>()

/** WinogradFilter: a 3×3 HWIO filter's transform, as the forward convolution uses it. */
export const winogradFilterConfig: tf.KernelConfig = {
  kernelName: 'WinogradFilter',
  backendName: 'wasm',
  kernelFunc: ((args: Args) => {
    const backend = args.backend as WasmBackendLike
    const { filter } = args.inputs as { filter: tf.TensorInfo }
    const [, , cin, cout] = filter.shape
    const native = nativeModule(backend)
    if (native === null) throw new Error('WinogradFilter (wasm): no native module')
    const out = backend.makeOutput([transformedFilterFloats(cin, cout)], 'float32')
    winogradFilter(native, cin, cout, offsetOf(backend, filter), false, offsetOf(backend, out))
    return out
  }) as unknown as tf.KernelFunc
}

/**
 * For a filter that will not change (an inference graph's folded weights): transforms it once
 * so every later convolution with it skips that step. Returns the transform, which the caller
 * disposes with the filter; null where Winograd does not apply (other backends, shapes).
 */
export function pretransformFilter(filter: tf.Tensor4D): tf.Tensor | null {
  const [kh, kw, cin, cout] = filter.shape
  const onWasm = tf.getBackend() === 'wasm'
  if (!onWasm || !winogradOptions.enabled || kh !== 3 || kw !== 3 || !winogradFits(cin, cout)) {
    return null
  }
  if (nativeModule(tf.engine().backend as unknown as WasmBackendLike) === null) return null
  const u = tf.engine().runKernel('WinogradFilter', { filter }, {}) as tf.Tensor
  pretransformed.set(filter.dataId, u)
  return u
}

/** Conv2D on Winograd where it applies. */
export const conv2DConfig: tf.KernelConfig = {
  kernelName: 'Conv2D',
  backendName: 'wasm',
  kernelFunc: ((args: Args) => convolve(args, 'Conv2D')) as unknown as tf.KernelFunc
}

/** FusedConv2D (bias, linear or ReLU) on Winograd where it applies. */
export const fusedConv2DConfig: tf.KernelConfig = {
  kernelName: 'FusedConv2D',
  backendName: 'wasm',
  kernelFunc: ((args: Args) => convolve(args, 'FusedConv2D')) as unknown as tf.KernelFunc
}
