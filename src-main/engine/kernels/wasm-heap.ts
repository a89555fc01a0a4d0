/**
 * Direct access to the tfjs wasm backend's heap: tensor offsets, scratch buffers, tensor views and
 * the backend's own C entry points (XNNPACK-backed), so our kernels allocate no tfjs intermediates.
 */
import type { tf } from '../backend/tf'

type TensorInfo = tf.TensorInfo

/** The parts of tfjs-backend-wasm's `BackendWasm` our kernels use. */
export interface WasmBackendLike {
  wasm: {
    HEAPF32: Float32Array
    wasmMemory?: { buffer: ArrayBufferLike }
    HEAPU8: Uint8Array
    _malloc(bytes: number): number
    _free(ptr: number): void
    cwrap(name: string, ret: null, args: string[]): (...args: unknown[]) => void
    tfjs: {
      registerTensor(id: number, size: number, offset: number): void
      disposeData(id: number): void
    }
  }
  dataIdNextNumber: number
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } }
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo
}

/** A float32 region of the wasm heap registered as a tfjs-wasm tensor id (for the C kernels). */
export interface HeapView {
  id: number
  offset: number
  size: number
}

/** Byte offset of a tensor's data on the heap. */
export function offsetOf(backend: WasmBackendLike, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset
}

/** Id the wasm C side knows a tensor by. */
export function idOf(backend: WasmBackendLike, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).id
}

/** The current heap as floats (re-read after every allocation: the heap may grow). */
export function heap(backend: WasmBackendLike): Float32Array {
  const { HEAPF32, wasmMemory } = backend.wasm
  if (wasmMemory && wasmMemory.buffer.byteLength !== HEAPF32.buffer.byteLength) {
    return new Float32Array(wasmMemory.buffer)
  }
  return HEAPF32
}

/** Registers `size` floats at `offset` (owned by someone else) under a fresh id. */
export function viewOf(backend: WasmBackendLike, offset: number, size: number): HeapView {
  const id = backend.dataIdNextNumber++
  backend.wasm.tfjs.registerTensor(id, size, offset)
  return { id, offset, size }
}

/** Allocates `size` floats of scratch memory, registered as a tensor id. */
export function allocView(backend: WasmBackendLike, size: number): HeapView {
  const offset = backend.wasm._malloc(size * 4) >>> 0
  return viewOf(backend, offset, size)
}

/** Forgets a view; frees its memory when `owned` (made by `allocView`). */
export function releaseView(backend: WasmBackendLike, view: HeapView, owned: boolean): void {
  backend.wasm.tfjs.disposeData(view.id)
  if (owned) backend.wasm._free(view.offset)
}

type BatchMatMulFn = (...args: unknown[]) => void
const matMuls = new WeakMap<object, BatchMatMulFn>()

function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer)
}

/**
 * out[b] = op(a[b]) · op(b[b]) through the backend's own BatchMatMul C kernel.
 * Shapes are rank 3 `[batch, rows, cols]` as stored (before the transposes).
 */
export function batchMatMul(
  backend: WasmBackendLike,
  a: { id: number; shape: number[] },
  b: { id: number; shape: number[] },
  transposeA: boolean,
  transposeB: boolean,
  outId: number
): void {
  let fn = matMuls.get(backend.wasm)
  if (fn === undefined) {
    const args = ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number']
    fn = backend.wasm.cwrap('BatchMatMul', null, [...args, 'number'])
    matMuls.set(backend.wasm, fn)
  }
  fn(a.id, shapeBytes(a.shape), 3, b.id, shapeBytes(b.shape), 3, transposeA, transposeB, outId)
}
