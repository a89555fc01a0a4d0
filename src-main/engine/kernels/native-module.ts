/**
 * Our own small wasm SIMD module (native/filter-grad.c, native/winograd.c) instantiated on the
 * tfjs wasm backend's own shared memory, so kernels read and write tensors where they are, with
 * `threads - 1` helper threads running the module on the same memory. Each thread has its own
 * stack, malloc'd from the backend's heap; scratch buffers come from that heap too.
 */
import v8 from 'node:v8'
import { Worker } from 'node:worker_threads'
import { NATIVE_WASM, NATIVE_WASM_FMA } from './native/native-wasm'
import { configuredWasmThreads } from './threaded-wasm'
import type { WasmBackendLike } from './wasm-heap'

/** The slice of the WebAssembly API we use (the node tsconfig has no DOM lib). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
}

/** A module export: pointers and sizes in, nothing out. */
type Export = (...args: number[]) => void

/** The module on one backend's memory, its helpers and their command and completion words. */
export interface Native {
  exports: Record<string, Export>
  /** True for the relaxed-SIMD build (fused multiply-adds in the GEMMs). */
  fma: boolean
  workers: Worker[]
  /** Per helper: [sequence number, export index, argument count]. */
  commands: Int32Array[]
  /** Per helper: its arguments (byte offsets fit exactly in a float64). */
  args: Float64Array[]
  /** [finished calls, failed calls]. */
  signal: Int32Array
  /** [spinMs], read by the helpers before each sleep. */
  spin: Float64Array
  /** Export name → index in `names`, as the helpers know them. */
  index: Map<string, number>
  /** Scratch memory on the backend's heap (byte offsets). */
  alloc(bytes: number): number
  free(ptr: number): void
}

const STACK_BYTES = 65536
const MAX_ARGS = 32
/** Longest wait for a helper thread before giving up. */
const WORKER_TIMEOUT_MS = 10 * 60_000
const modules = new WeakMap<object, Map<boolean, Native | null>>()

/**
 * `fma`: use the relaxed-SIMD build (fused multiply-adds in the convolution GEMMs) where the
 * runtime has relaxed SIMD; off, the plain SIMD build (for comparisons; set before first use or
 * switch between calls, each build keeps its own helpers). `spinMs`: how long both sides watch
 * for the next call or the helpers' end before they sleep (0: sleep at once).
 */
export const nativeOptions = { fma: true, spinMs: 0.2 }

/** Compiles the relaxed-SIMD build, or null where this runtime cannot. */
function compileFma(wasm: WasmApi): object | null {
  const bytes = Buffer.from(NATIVE_WASM_FMA, 'base64')
  try {
    return new wasm.Module(bytes)
  } catch {
    // Node 20's V8 has relaxed SIMD behind a flag (newer ones, Electron's, ship it): the flag only
    // lets modules that use it compile, and is read when one is compiled.
  }
  try {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd')
    return new wasm.Module(bytes)
  } catch {
    return null
  }
}

// Helpers block on their command word instead of waiting for messages: a call costs a store and
// a notify instead of a structured clone and a trip through the event loop (≈ 0.1 ms). After a
// call each side watches the shared words for `nativeOptions.spinMs` before it sleeps: waking a
// sleeping thread took 75-145 µs a call here (a virtual CPU halts while its thread sleeps), and a
// training step makes hundreds of calls, most closer together than that.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads')
const { module, memory, signal, command, args, names, stackTop, spin } = workerData
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports
exports.__stack_pointer.value = stackTop
const fns = names.map((name) => exports[name])
for (let seen = 0; ; ) {
  const until = performance.now() + spin[0]
  for (let k = 1; Atomics.load(command, 0) === seen; k++) {
    if ((k & 1023) === 0 && performance.now() > until) {
      Atomics.wait(command, 0, seen)
      break
    }
  }
  seen = Atomics.load(command, 0)
  try {
    fns[command[1]](...args.subarray(0, command[2]))
  } catch (error) {
    Atomics.add(signal, 1, 1)
  }
  Atomics.add(signal, 0, 1)
  Atomics.notify(signal, 0)
}
`

function instantiate(backend: WasmBackendLike, fma: boolean): Native {
  const memory = backend.wasm.wasmMemory
  if (!memory) throw new Error('the wasm backend exposes no memory')
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly
  const relaxed = fma ? compileFma(wasm) : null
  const module = relaxed ?? new wasm.Module(Buffer.from(NATIVE_WASM, 'base64'))
  const exports = new wasm.Instance(module, { env: { memory } }).exports
  const names = Object.keys(exports).filter((k) => typeof exports[k] === 'function')
  const threads = configuredWasmThreads()
  const stacks = backend.wasm._malloc(threads * STACK_BYTES) >>> 0
  const top = (k: number): number => (stacks + (k + 1) * STACK_BYTES) & ~15
  ;(exports.__stack_pointer as { value: number }).value = top(0)
  const signal = new Int32Array(new SharedArrayBuffer(8))
  const spin = new Float64Array(new SharedArrayBuffer(8))
  spin[0] = nativeOptions.spinMs
  const commands = Array.from(
    { length: threads - 1 },
    () => new Int32Array(new SharedArrayBuffer(12))
  )
  const args = commands.map(() => new Float64Array(new SharedArrayBuffer(8 * MAX_ARGS)))
  const workers = commands.map((command, i) => {
    const workerData = {
      module,
      memory,
      signal,
      command,
      args: args[i],
      names,
      stackTop: top(i + 1),
      spin
    }
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData, execArgv: [] })
    w.unref()
    return w
  })
  return {
    exports: { ...exports } as Record<string, Export>,
    fma: relaxed !== null,
    workers,
    commands,
    args,
    signal,
    spin,
    index: new Map(names.map((name, i) => [name, i])),
    alloc: (bytes) => backend.wasm._malloc(Math.max(16, bytes)) >>> 0,
    free: (ptr) => backend.wasm._free(ptr)
  }
}

/** Our module on `backend`'s memory, or null where it cannot be set up (callers fall back). */
export function nativeModule(backend: WasmBackendLike): Native | null {
  const builds = modules.get(backend.wasm) ?? new Map<boolean, Native | null>()
  modules.set(backend.wasm, builds)
  const fma = nativeOptions.fma
  if (!builds.has(fma)) {
    try {
      builds.set(fma, instantiate(backend, fma))
    } catch {
      builds.set(fma, null)
    }
  }
  return builds.get(fma) ?? null
}

/**
 * Runs export `name` with `args` plus a sub-range [begin, end) of [0, total) and the part's index,
 * split between the caller (part 0) and the helpers at multiples of `align`, each part at least
 * `grain` long (small work is not worth waking a helper for).
 */
export function runSplit(
  n: Native,
  name: string,
  args: number[],
  total: number,
  align = 1,
  grain = 1
): void {
  const parts = Math.min(
    n.workers.length + 1,
    Math.max(1, Math.floor(total / Math.max(align, grain)))
  )
  const bounds = Array.from({ length: parts + 1 }, (_, k) =>
    k === parts ? total : Math.floor((total * k) / parts / align) * align
  )
  const start = Atomics.load(n.signal, 0)
  const fn = n.index.get(name)
  if (fn === undefined) throw new Error(`${name} (wasm): no such export`)
  for (let k = 1; k < parts; k++) {
    const all = [...args, bounds[k], bounds[k + 1], k]
    n.args[k - 1].set(all)
    const command = n.commands[k - 1]
    command[1] = fn
    command[2] = all.length
    Atomics.add(command, 0, 1)
    Atomics.notify(command, 0)
  }
  n.exports[name](...args, bounds[0], bounds[1], 0)
  n.spin[0] = nativeOptions.spinMs
  const spinUntil = performance.now() + nativeOptions.spinMs
  for (let k = 1; Atomics.load(n.signal, 0) - start < parts - 1; k++) {
    if ((k & 1023) === 0 && performance.now() > spinUntil) break
  }
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

/** Runs `body` with `bytes` of scratch on the backend's heap, freed afterwards (also on errors). */
export function withScratch<T>(n: Native, bytes: number, body: (ptr: number) => T): T {
  const ptr = n.alloc(bytes)
  if (ptr === 0) throw new Error(`wasm: cannot allocate ${bytes} bytes of scratch`)
  try {
    return body(ptr)
  } finally {
    n.free(ptr)
  }
}
