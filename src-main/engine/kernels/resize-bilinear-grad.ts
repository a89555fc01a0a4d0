/**
 * ResizeBilinearGrad (the bilinear ×2 upsampling's gradient) for the wasm backend on NHWC float32
 * tensors with channels % 4 = 0: one SIMD pass over dy on the heap module, each value added to its
 * four source pixels with the forward weights, as tfjs's cpu kernel does (weights rounded to
 * float32). wasm's own kernel takes ≈ 21 ms for dy [16, 96, 96, 64]. Half-pixel centres, other
 * shapes or without the module: wasm's kernel.
 */
import { tf } from '../backend/tf'
import { heapSimd } from './heap-simd'
import { runOriginal } from './original-kernels'
import { offsetOf, type WasmBackendLike } from './wasm-heap'

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }

/** Source pixels per output pixel along an axis, as tfjs computes it. */
export function resizeScale(from: number, to: number, alignCorners: boolean): number {
  return alignCorners && to > 1 ? (from - 1) / (to - 1) : from / to
}

function resizeBilinearGrad(args: Args): tf.TensorInfo {
  const { images, dy } = args.inputs as { images: tf.TensorInfo; dy: tf.TensorInfo }
  const { alignCorners, halfPixelCenters } = args.attrs as {
    alignCorners: boolean
    halfPixelCenters?: boolean
  }
  const backend = args.backend as WasmBackendLike
  const usable =
    images.shape.length === 4 &&
    images.shape[3] % 4 === 0 &&
    [images, dy].every((t) => t.dtype === 'float32') &&
    halfPixelCenters !== true
  const simd = usable ? heapSimd(backend) : null
  if (simd === null) return runOriginal('ResizeBilinearGrad', args) as tf.TensorInfo
  const [n, xh, xw, c] = images.shape
  const [, yh, yw] = dy.shape
  const out = backend.makeOutput(images.shape, 'float32')
  const [hs, ws] = [resizeScale(xh, yh, alignCorners), resizeScale(xw, yw, alignCorners)]
  const at = (t: tf.TensorInfo) => offsetOf(backend, t)
  simd.resizeBilinearGrad(at(dy), n, yh, yw, xh, xw, c, hs, ws, at(out))
  return out
}

/** Kernel config registered for the `wasm` backend. */
export const resizeBilinearGradConfig: tf.KernelConfig = {
  kernelName: 'ResizeBilinearGrad',
  backendName: 'wasm',
  kernelFunc: resizeBilinearGrad as unknown as tf.KernelFunc
}
