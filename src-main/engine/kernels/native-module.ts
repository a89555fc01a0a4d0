/**
 * Our own small wasm SIMD module (native/filter-grad.c, native/winograd.c) instantiated on the
 * tfjs wasm backend's own shared memory, so kernels read and write tensors where they are, with
 * `threads - 1` helper threads running the module on the same memory. Each thread has its own
 * stack, malloc'd from the backend's heap; scratch buffers come from that heap too.
 */
import { Worker } from 'node:worker_threads'
import { NATIVE_WASM } from './native/native-wasm'
import { configuredWasmThreads } from './threaded-wasm'
import type { WasmBackendLike } from './wasm-heap'

/** The slice of the WebAssembly API we use (the node tsconfig has no DOM lib). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
}

/** A module export: pointers and sizes in, nothing out. */
type Export = (...args: number[]) => void

/** The module on one backend's memory, its helpers and their completion counter. */
export interface Native {
  exports: Record<string, Export>
  workers: Worker[]
  /** [finished calls, failed calls]. */
  signal: Int32Array
  /** Scratch memory on the backend's heap (byte offsets). */
  alloc(bytes: number): number
  free(ptr: number): void
}

const STACK_BYTES = 65536
/** Longest wait for a helper thread before giving up. */
const WORKER_TIMEOUT_MS = 10 * 60_000
const modules = new WeakMap<object, Native | null>()

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { module, memory, signal, stackTop } = workerData
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports
exports.__stack_pointer.value = stackTop
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

function instantiate(backend: WasmBackendLike): Native {
  const memory = backend.wasm.wasmMemory
  if (!memory) throw new Error('the wasm backend exposes no memory')
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly
  const module = new wasm.Module(Buffer.from(NATIVE_WASM, 'base64'))
  const exports = new wasm.Instance(module, { env: { memory } }).exports
  const threads = configuredWasmThreads()
  const stacks = backend.wasm._malloc(threads * STACK_BYTES) >>> 0
  const top = (k: number): number => (stacks + (k + 1) * STACK_BYTES) & ~15
  ;(exports.__stack_pointer as { value: number }).value = top(0)
  const signal = new Int32Array(new SharedArrayBuffer(8))
  const workers = Array.from({ length: threads - 1 }, (_, i) => {
    const workerData = { module, memory, signal, stackTop: top(i + 1) }
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData, execArgv: [] })
    w.unref()
    return w
  })
  return {
    exports: { ...exports } as Record<string, Export>,
    workers,
    signal,
    alloc: (bytes) => backend.wasm._malloc(Math.max(16, bytes)) >>> 0,
    free: (ptr) => backend.wasm._free(ptr)
  }
}

/** Our module on `backend`'s memory, or null where it cannot be set up (callers fall back). */
export function nativeModule(backend: WasmBackendLike): Native | null {
  const key = backend.wasm
  if (!modules.has(key)) {
    try {
      modules.set(key, instantiate(backend))
    } catch {
      modules.set(key, null)
    }
  }
  return modules.get(key) ?? null
}

/**
 * Runs export `name` with `args` plus a sub-range [begin, end) of [0, total) and the part's index,
 * split between the caller (part 0) and the helpers at multiples of `align`.
 */
export function runSplit(n: Native, name: string, args: number[], total: number, align = 1): void {
  const parts = Math.min(n.workers.length + 1, Math.max(1, Math.floor(total / align)))
  const bounds = Array.from({ length: parts + 1 }, (_, k) =>
    k === parts ? total : Math.floor((total * k) / parts / align) * align
  )
  const start = Atomics.load(n.signal, 0)
  for (let k = 1; k < parts; k++) {
    n.workers[k - 1].postMessage([name, ...args, bounds[k], bounds[k + 1], k])
  }
  n.exports[name](...args, bounds[0], bounds[1], 0)
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

/** How many parts `runSplit` may use: the caller and every helper. */
export function threadCount(n: Native): number {
  return n.workers.length + 1
}
