/**
 * SplitV and Concat of float32 tensors for the wasm backend as one row copy per row and piece on
 * the heap (a memory.copy loop in heap-simd.ts's module, else `copyWithin` from JS). The U-Net's
 * decoder concatenates skip and upsampled features over the channel axis, and the gradient splits
 * them again: wasm's SplitV runs its generic strided Slice per piece
 * (≈ 100 ms on [16, 96, 96, 96]) and its Concat a `subarray` + `set` per row.
 */
import { tf } from '../backend/tf'
import { heapSimd } from './heap-simd'
import { runOriginal } from './original-kernels'
import { heap, offsetOf, type WasmBackendLike } from './wasm-heap'

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }

const product = (dims: number[]): number => dims.reduce((a, b) => a * b, 1)

/**
 * Copies `rows` rows: row r of piece k (`widths[k]` floats at `starts[k] + r·widths[k]`) goes to
 * `whole + r·Σwidths + Σwidths[<k]`, or back when `split`.
 */
export function copyPieces(
  f: Float32Array,
  whole: number,
  starts: number[],
  widths: number[],
  rows: number,
  split: boolean
): void {
  const rowWidth = widths.reduce((a, b) => a + b, 0)
  let w = whole
  for (let k = 0; k < starts.length; k++) {
    const width = widths[k]
    let p = starts[k]
    let q = w
    for (let r = 0; r < rows; r++, p += width, q += rowWidth) {
      if (split) f.copyWithin(p, q, q + width)
      else f.copyWithin(q, p, p + width)
    }
    w += width
  }
}

/** `copyPieces` with byte addresses, through the SIMD module's row copy where available. */
function movePieces(
  backend: WasmBackendLike,
  whole: number,
  starts: number[],
  widths: number[],
  rows: number,
  split: boolean
): void {
  const simd = heapSimd(backend)
  if (simd === null) {
    const f = heap(backend)
    copyPieces(
      f,
      whole / 4,
      starts.map((s) => s / 4),
      widths,
      rows,
      split
    )
    return
  }
  const rowWidth = widths.reduce((a, b) => a + b, 0)
  let w = whole
  for (let k = 0; k < starts.length; k++) {
    const [piece, width] = [starts[k], widths[k]]
    if (split) simd.copyRows(w, rowWidth, piece, width, rows, width)
    else simd.copyRows(piece, width, w, rowWidth, rows, width)
    w += width * 4
  }
}

function splitV(args: Args): tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo }
  const attrs = args.attrs as { numOrSizeSplits: number | number[]; axis: number | number[] }
  if (x.dtype !== 'float32' || product(x.shape) === 0) {
    return runOriginal('SplitV', args) as tf.TensorInfo[]
  }
  const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0]
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs.numOrSizeSplits, axis)
  const backend = args.backend as WasmBackendLike
  const inner = product(x.shape.slice(axis + 1))
  const outs = sizes.map((s) =>
    backend.makeOutput([...x.shape.slice(0, axis), s, ...x.shape.slice(axis + 1)], 'float32')
  )
  const starts = outs.map((o) => offsetOf(backend, o))
  const widths = sizes.map((s) => s * inner)
  movePieces(backend, offsetOf(backend, x), starts, widths, product(x.shape.slice(0, axis)), true)
  return outs
}

function concat(args: Args): tf.TensorInfo {
  const inputs = args.inputs as unknown as tf.TensorInfo[]
  const axis = tf.util.parseAxisParam((args.attrs as { axis: number }).axis, inputs[0].shape)[0]
  const usable = inputs.every((t) => t.dtype === 'float32' && product(t.shape) > 0)
  if (!usable || inputs.length < 2) return runOriginal('Concat', args) as tf.TensorInfo
  const backend = args.backend as WasmBackendLike
  const shape = [...inputs[0].shape]
  shape[axis] = inputs.reduce((n, t) => n + t.shape[axis], 0)
  const out = backend.makeOutput(shape, 'float32')
  const starts = inputs.map((t) => offsetOf(backend, t))
  const widths = inputs.map((t) => product(t.shape.slice(axis)))
  movePieces(backend, offsetOf(backend, out), starts, widths, product(shape.slice(0, axis)), false)
  return out
}

/** Kernel configs registered for the `wasm` backend. */
export const splitVConfig: tf.KernelConfig = {
  kernelName: 'SplitV',
  backendName: 'wasm',
  kernelFunc: splitV as unknown as tf.KernelFunc
}

/** Concat of float32 tensors; other dtypes, empty or single inputs: wasm's own kernel. */
export const concatConfig: tf.KernelConfig = {
  kernelName: 'Concat',
  backendName: 'wasm',
  kernelFunc: concat as unknown as tf.KernelFunc
}
