/**
 * MaxPoolGrad for the wasm backend when windows do not overlap (2×2 pool, stride 2, the U-Net's
 * down-sampling): one pass over the heap (2×2 with channels % 4 = 0 in SIMD through heap-simd.ts,
 * else JS), each output's gradient to the first maximum of its window (as tfjs's cpu kernel).
 * Other pools go to wasm's own kernel, which is several times slower on these shapes.
 */
import { tf } from '../backend/tf'
import { heapSimd } from './heap-simd'
import { runOriginal } from './original-kernels'
import { heap, offsetOf, type WasmBackendLike } from './wasm-heap'

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }

interface PoolAttrs {
  filterSize: number | [number, number]
  strides: number | [number, number]
  pad: unknown
  dimRoundingMode?: string
}

const pair = (v: number | [number, number]): [number, number] => (Array.isArray(v) ? v : [v, v])

/** True for 2-D pools we handle: window = stride, sizes divisible, no padding needed. */
export function isTiledPool(shape: number[], attrs: PoolAttrs): boolean {
  const [fh, fw] = pair(attrs.filterSize)
  const [sh, sw] = pair(attrs.strides)
  const fits = shape[1] % fh === 0 && shape[2] % fw === 0
  return fh === sh && fw === sw && fits && (attrs.pad === 'valid' || attrs.pad === 'same')
}

function maxPoolGrad(args: Args): tf.TensorInfo {
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo }
  const attrs = args.attrs as PoolAttrs
  if (input.dtype !== 'float32' || input.shape.length !== 4 || !isTiledPool(input.shape, attrs)) {
    return runOriginal('MaxPoolGrad', args) as tf.TensorInfo
  }
  const backend = args.backend as WasmBackendLike
  const [n, h, w, c] = input.shape
  const [fh, fw] = pair(attrs.filterSize)
  const [oh, ow] = [h / fh, w / fw]
  const out = backend.makeOutput(input.shape, 'float32')
  const simd = fh === 2 && fw === 2 && c % 4 === 0 ? heapSimd(backend) : null
  if (simd !== null) {
    const at = (t: tf.TensorInfo) => offsetOf(backend, t)
    simd.maxPoolGrad2x2(at(input), at(dy), n, h, w, c, at(out))
    return out
  }
  const f = heap(backend)
  const x0 = offsetOf(backend, input) / 4
  const d0 = offsetOf(backend, dy) / 4
  const o0 = offsetOf(backend, out) / 4
  f.fill(0, o0, o0 + n * h * w * c)
  let d = d0
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const corner = ((b * h + oy * fh) * w + ox * fw) * c
        for (let ch = 0; ch < c; ch++, d++) {
          let best = corner + ch
          let max = f[x0 + best]
          for (let ky = 0; ky < fh; ky++) {
            for (let kx = 0; kx < fw; kx++) {
              const p = corner + (ky * w + kx) * c + ch
              if (f[x0 + p] > max) {
                max = f[x0 + p]
                best = p
              }
            }
          }
          f[o0 + best] = f[d]
        }
      }
    }
  }
  return out
}

/** Kernel config registered for the `wasm` backend. */
export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as tf.KernelFunc
}
