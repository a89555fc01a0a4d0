/**
 * MaxPool (2×2, stride 2) and ResizeBilinear (no half-pixel centres) for the wasm backend on NHWC
 * float32 tensors with channels % 4 = 0: one SIMD pass over the output on our module
 * (native/sampling.c), both threads sharing the rows. These are the U-Net's down- and up-sampling
 * forward passes; wasm's own kernels run them on one thread. Everything else goes to wasm's own.
 */
import { tf } from '../backend/tf'
import { isTiledPool } from './max-pool-grad'
import { nativeModule, runSplit, type Native } from './native-module'
import { runOriginal } from './original-kernels'
import { resizeScale } from './resize-bilinear-grad'
import { offsetOf, type WasmBackendLike } from './wasm-heap'

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }

/** Off: wasm's own MaxPool and ResizeBilinear (for side-by-side timings). */
export const samplingOptions = { enabled: true }

/** Least output elements per thread worth waking a helper for. */
const GRAIN = 1 << 16

/** Our module when `x` is a float32 NHWC tensor with channels % 4 = 0, else null. */
function moduleFor(x: tf.TensorInfo, backend: WasmBackendLike): Native | null {
  const fits = x.dtype === 'float32' && x.shape.length === 4 && x.shape[3] % 4 === 0
  return samplingOptions.enabled && fits ? nativeModule(backend) : null
}

function maxPool(args: Args): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike
  const { x } = args.inputs as { x: tf.TensorInfo }
  const attrs = args.attrs as Parameters<typeof isTiledPool>[1]
  const two = (v: number | number[]) => (Array.isArray(v) ? v : [v, v]).every((d) => d === 2)
  const pool2 = two(attrs.filterSize) && two(attrs.strides)
  const native = pool2 && isTiledPool(x.shape, attrs) ? moduleFor(x, backend) : null
  if (native === null) return runOriginal('MaxPool', args) as tf.TensorInfo
  const [n, h, w, c] = x.shape
  const out = backend.makeOutput([n, h / 2, w / 2, c], 'float32')
  const rows = (n * h) / 2
  const args2 = [offsetOf(backend, x), h, w, c, offsetOf(backend, out)]
  if (rows > 0)
    runSplit(native, 'max_pool_2x2_rows', args2, rows, 1, Math.ceil(GRAIN / ((w / 2) * c)))
  return out
}

function resizeBilinear(args: Args): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike
  const { images } = args.inputs as { images: tf.TensorInfo }
  const { alignCorners, halfPixelCenters, size } = args.attrs as {
    alignCorners: boolean
    halfPixelCenters?: boolean
    size: [number, number]
  }
  const native = halfPixelCenters === true ? null : moduleFor(images, backend)
  if (native === null) return runOriginal('ResizeBilinear', args) as tf.TensorInfo
  const [n, h, w, c] = images.shape
  const [oh, ow] = size
  const out = backend.makeOutput([n, oh, ow, c], 'float32')
  const [hs, ws] = [resizeScale(h, oh, alignCorners), resizeScale(w, ow, alignCorners)]
  const at = [offsetOf(backend, images), h, w, c, oh, ow, hs, ws, offsetOf(backend, out)]
  if (n * oh > 0)
    runSplit(native, 'resize_bilinear_rows', at, n * oh, 1, Math.ceil(GRAIN / (ow * c)))
  return out
}

/** Kernel configs registered for the `wasm` backend. */
export const samplingConfigs: tf.KernelConfig[] = [
  { kernelName: 'MaxPool', backendName: 'wasm', kernelFunc: maxPool as unknown as tf.KernelFunc },
  {
    kernelName: 'ResizeBilinear',
    backendName: 'wasm',
    kernelFunc: resizeBilinear as unknown as tf.KernelFunc
  }
]
