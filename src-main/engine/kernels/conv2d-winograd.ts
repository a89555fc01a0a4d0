/**
 * Conv2D and FusedConv2D for the wasm backend: 3×3 stride-1 'same' convolutions (every conv of a
 * U-Net but the first and the 1×1 head) run as Winograd F(4×4, 3×3) or F(6×6, 3×3) on our SIMD
 * module, with the bias and a ReLU applied in the output transform. Everything else runs XNNPACK
 * as before.
 */
import { tf } from '../backend/tf'
import type { ConvAttrs } from './im2col'
import { nativeModule, type Native } from './native-module'
import { runOriginal } from './original-kernels'
import { offsetOf, type WasmBackendLike } from './wasm-heap'
import {
  transformedFilterFloats,
  winogradConv,
  winogradFilter,
  winogradFits,
  winogradOptions,
  winogradTile,
  type WinogradShape,
  type WinogradTile
} from './winograd'

interface ForwardAttrs extends ConvAttrs {
  dilations?: number | [number, number]
  activation?: string
}

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }

/**
 * The Winograd shape of a convolution of `xShape` by `filterShape` (HWIO), or null when it is not
 * a 3×3, stride-1, dilation-1 convolution padded by one on every side with suitable channels
 * (`padInputs`: any number of input channels, see `winogradFits`).
 */
export function winogradShapeOf(
  xShape: number[],
  filterShape: number[],
  attrs: Omit<ForwardAttrs, 'activation'>,
  padInputs = false
): WinogradShape | null {
  if (!winogradOptions.enabled || attrs.dataFormat === 'NCHW') return null
  const [kh, kw, cin, cout] = filterShape
  if (kh !== 3 || kw !== 3 || !winogradFits(cin, cout, padInputs) || xShape[3] !== cin) return null
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
  const shape = winogradShapeOf(x.shape, filter.shape, attrs, true)
  const native = shape ? nativeModule(backend) : null
  const simple = (activation === 'linear' || activation === 'relu') && !preluActivationWeights
  const biasOk = !bias || (bias.shape.length === 1 && bias.shape[0] === filter.shape[3])
  if (shape === null || native === null || !simple || !biasOk) {
    return runOriginal(name, args) as tf.TensorInfo
  }
  const out = backend.makeOutput([shape.n, shape.h, shape.w, shape.cout], 'float32')
  const [x0, f0, o0] = [x, filter, out].map((t) => offsetOf(backend, t))
  const kept = keptTransform(native, filter, f0, shape)
  const b0 = bias ? offsetOf(backend, bias) : 0
  winogradConv(native, shape, x0, kept ?? f0, b0, activation === 'relu', false, o0, kept !== null)
  return out
}

/** Filters (by data id) whose transforms are kept (`keepFilterTransforms`): tile → heap offset. */
const keptTransforms = new WeakMap<object, Map<WinogradTile, number>>()

/** The kept transform of `filter` (at byte offset `g`) for `shape`'s tile, made on first use. */
function keptTransform(
  native: Native,
  filter: tf.TensorInfo,
  g: number,
  shape: WinogradShape
): number | null {
  const kept = keptTransforms.get(filter.dataId)
  if (kept === undefined) return null
  const m = winogradTile(shape, true)
  let u = kept.get(m)
  if (u === undefined) {
    u = native.alloc(transformedFilterFloats(shape.cin, shape.cout, m) * 4)
    if (u === 0) return null
    winogradFilter(native, shape.cin, shape.cout, g, false, u, m)
    kept.set(m, u)
  }
  return u
}

/**
 * For a filter that will not change (an inference graph's folded weights): keeps its Winograd
 * transform (one per tile size, made on first use), so later convolutions with it skip that step.
 * Returns what frees them, for the caller to call when the filter goes; null where Winograd does
 * not apply (other backends, shapes).
 */
export function keepFilterTransforms(filter: tf.Tensor4D): { dispose(): void } | null {
  const [kh, kw, cin, cout] = filter.shape
  const onWasm = tf.getBackend() === 'wasm'
  if (!onWasm || !winogradOptions.enabled || kh !== 3 || kw !== 3 || !winogradFits(cin, cout)) {
    return null
  }
  const native = nativeModule(tf.engine().backend as unknown as WasmBackendLike)
  if (native === null) return null
  const kept = new Map<WinogradTile, number>()
  keptTransforms.set(filter.dataId, kept)
  return {
    dispose: () => {
      keptTransforms.delete(filter.dataId)
      for (const u of kept.values()) native.free(u)
      kept.clear()
    }
  }
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
