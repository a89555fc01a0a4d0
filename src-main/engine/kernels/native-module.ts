/**
 * Our own small wasm SIMD module (native/filter-grad.c, native/winograd.c) on a shared memory of
 * its own, with `threads - 1` helper threads running the same module on that memory. Kernels
 * copy their operands in above BASE, run an export over a range split between the caller and
 * the helpers, and copy the result out. Each thread gets its own stack region below BASE.
 */
import { Worker } from 'node:worker_threads'
import { NATIVE_WASM } from './native/native-wasm'
import { configuredWasmThreads } from './threaded-wasm'

/** The slice of the WebAssembly API we use (the node tsconfig has no DOM lib). */
export interface WasmMemory {
  buffer: ArrayBuffer
  grow(pages: number): number
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory
}

/** A module export: pointers and sizes in, nothing out. */
type Export = (...args: number[]) => void

/** The module, its exports in this thread and the helpers with their completion counter. */
export interface Native {
  memory: WasmMemory
  exports: Record<string, Export>
  workers: Worker[]
  /** [finished calls, failed calls]. */
  signal: Int32Array
}

/** Our buffers start here; below are the module's (empty) data and the threads' stacks. */
export const BASE = 1 << 20
const STACK_BYTES = 65536
/** Longest wait for a helper thread before giving up. */
const WORKER_TIMEOUT_MS = 10 * 60_000
let native: Native | null | undefined

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { module, memory, signal, stackOffset } = workerData
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports
exports.__stack_pointer.value += stackOffset
parentPort.on('message', ([name, ...args]) => {
  try {
    exports[name](...args)
  } catch (error) {
    Atomics.add(signal, 1, 1)
  }
  Atomics.add(signal, 0, 1)
  Atomics.notify(signal, 0)
})
`

/** The compiled module and its helper threads, or null without wasm SIMD/threads. */
export function nativeModule(): Native | null {
  if (native !== undefined) return native
  try {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly
    const module = new wasm.Module(Buffer.from(NATIVE_WASM, 'base64'))
    const memory = new wasm.Memory({ initial: BASE / 65536 + 1, maximum: 65536, shared: true })
    const exports = new wasm.Instance(module, { env: { memory } }).exports
    const signal = new Int32Array(new SharedArrayBuffer(8))
    const workers = Array.from({ length: configuredWasmThreads() - 1 }, (_, i) => {
      const workerData = { module, memory, signal, stackOffset: (i + 1) * STACK_BYTES }
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData, execArgv: [] })
      w.unref()
      return w
    })
    native = { memory, exports: exports as Record<string, Export>, workers, signal }
  } catch {
    native = null
  }
  return native
}

/**
 * Runs export `name` with `args` plus a sub-range [begin, end) of [0, total), split between the
 * caller and the helpers at multiples of `align` (the caller takes the first part).
 */
export function runSplit(n: Native, name: string, args: number[], total: number, align = 1): void {
  const parts = Math.min(n.workers.length + 1, Math.max(1, Math.floor(total / align)))
  const bounds = Array.from({ length: parts + 1 }, (_, k) =>
    k === parts ? total : Math.floor((total * k) / parts / align) * align
  )
  const start = Atomics.load(n.signal, 0)
  for (let k = 1; k < parts; k++) {
    n.workers[k - 1].postMessage([name, ...args, bounds[k], bounds[k + 1]])
  }
  n.exports[name](...args, bounds[0], bounds[1])
  const deadline = Date.now() + WORKER_TIMEOUT_MS
  for (
    let seen = Atomics.load(n.signal, 0);
    seen - start < parts - 1;
    seen = Atomics.load(n.signal, 0)
  ) {
    if (Date.now() > deadline) throw new Error(`${name} (wasm): helper thread timed out`)
    Atomics.wait(n.signal, 0, seen, 1000)
  }
  if (Atomics.exchange(n.signal, 1, 0) !== 0) {
    throw new Error(`${name} (wasm): a helper thread failed`)
  }
}

/** Grows the module's memory so `bytes` fit above BASE. */
export function ensureBytes(n: Native, bytes: number): void {
  const missing = BASE + bytes - n.memory.buffer.byteLength
  if (missing > 0) n.memory.grow(Math.ceil(missing / 65536))
}

/** A float view of the module's memory (re-take it after `ensureBytes`). */
export function floats(n: Native): Float32Array {
  return new Float32Array(n.memory.buffer)
}
