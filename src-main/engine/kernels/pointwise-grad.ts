/**
 * Input and filter gradients of a 1×1, stride-1 convolution with fewer than 8 outputs (a U-Net's
 * head: one logit per class) on our module (native/pointwise.c): one pass over the pixels each,
 * where the general paths (XNNPACK with a flipped filter, the padded-grid filter gradient) spend
 * more on set-up and layout than on the few multiply-adds.
 */
import { nativeModule, runSplit, threadCount, withScratch } from './native-module'
import { heap, offsetOf, type WasmBackendLike } from './wasm-heap'
import type { tf } from '../backend/tf'

/** Off: these convolutions take the general paths (for side-by-side timings). */
export const pointwiseOptions = { enabled: true }

/** Least pixels per thread worth waking a helper for. */
const GRAIN = 16384

/**
 * True for a 1×1 filter `[1, 1, cin, cout]` at stride 1 without padding, cin % 4 = 0, cout < 8,
 * when our module is loaded.
 */
export function pointwiseFits(
  backend: WasmBackendLike,
  filterShape: number[],
  strides: [number, number],
  pads: number[]
): boolean {
  const [kh, kw, cin, cout] = filterShape
  return (
    pointwiseOptions.enabled &&
    kh === 1 &&
    kw === 1 &&
    cin % 4 === 0 &&
    cout < 8 &&
    strides[0] === 1 &&
    strides[1] === 1 &&
    pads.every((p) => p === 0) &&
    nativeModule(backend) !== null
  )
}

/** dW [1, 1, cin, cout] = Σ over pixels of x ⊗ dy, written at byte offset `out`. */
export function pointwiseFilterGrad(
  backend: WasmBackendLike,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  cout: number,
  out: number
): void {
  const native = nativeModule(backend)!
  const cin = x.shape[3]
  const rows = x.shape[0] * x.shape[1] * x.shape[2]
  const parts = threadCount(native)
  withScratch(native, parts * cin * cout * 8, (sums) => {
    new Float64Array(heap(backend).buffer, sums, parts * cin * cout).fill(0)
    const args = [offsetOf(backend, x), offsetOf(backend, dy), cin, cout, sums]
    runSplit(native, 'pointwise_filter_grad', args, rows, 1, GRAIN)
    const f = heap(backend)
    const all = new Float64Array(f.buffer, sums, parts * cin * cout)
    for (let ci = 0; ci < cin; ci++)
      for (let co = 0; co < cout; co++) {
        let s = 0
        for (let p = 0; p < parts; p++) s += all[(p * cout + co) * cin + ci]
        f[out / 4 + ci * cout + co] = s
      }
  })
}

/** dx [n, h, w, cin] = dy · filterᵀ, written at byte offset `out`. */
export function pointwiseInputGrad(
  backend: WasmBackendLike,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  out: number
): void {
  const native = nativeModule(backend)!
  const [, , cin, cout] = filter.shape
  const rows = dy.shape[0] * dy.shape[1] * dy.shape[2]
  withScratch(native, cin * cout * 4, (wt) => {
    const f = heap(backend)
    const w0 = offsetOf(backend, filter) / 4
    for (let ci = 0; ci < cin; ci++)
      for (let co = 0; co < cout; co++) f[wt / 4 + co * cin + ci] = f[w0 + ci * cout + co]
    const args = [offsetOf(backend, dy), wt, cin, cout, out]
    runSplit(native, 'pointwise_input_grad', args, rows, 1, GRAIN)
  })
}
