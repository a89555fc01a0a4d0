/**
 * The multi-threaded SIMD build of tfjs-backend-wasm in Node. tfjs turns threads off in Node
 * (its worker is a Blob URL and its core count is halved), so we instantiate the threaded
 * Emscripten module ourselves: worker script written to a temp file, XNNPACK's pool sized to
 * `threads`, workers unref'd so they never keep the process alive.
 */
import { renameSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import workerThreads from 'node:worker_threads'
import { dirname, join } from 'node:path'
import { tf } from '../backend/tf'

const require = createRequire(import.meta.url)

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...args: unknown[]) => unknown
  PThread?: { unusedWorkers: { unref(): void }[]; runningWorkers: { unref(): void }[] }
  tfjs?: Record<string, unknown>
}

type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>

interface WasmPackage {
  BackendWasm: new (module: EmscriptenModule) => tf.KernelBackend
  setThreadsCount(n: number): void
  version_wasm: string
}

/** Writes the pthread worker script once per tfjs version; returns its path. */
function workerScript(dir: string, version: string): string {
  const path = join(os.tmpdir(), `unet-studio-tfjs-wasm-${version}-threaded-simd.worker.cjs`)
  const { wasmWorkerContents } = require(
    join(dir, 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js')
  ) as { wasmWorkerContents: string }
  const text = wasmWorkerContents.replace(/\n/g, '\\n')
  try {
    if (statSync(path).size === Buffer.byteLength(text)) return path
  } catch {
    // not written yet
  }
  const temp = `${path}.${process.pid}.tmp`
  writeFileSync(temp, text)
  renameSync(temp, path)
  return path
}

/** Instantiates the threaded SIMD module with an XNNPACK pool of `threads` threads. */
async function threadedBackend(threads: number): Promise<tf.KernelBackend> {
  const pkg = require('@tensorflow/tfjs-backend-wasm') as WasmPackage
  const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))
  const glue = join(dir, 'wasm-out/tfjs-backend-wasm-threaded-simd.js')
  const worker = workerScript(dir, pkg.version_wasm)
  const factory = require(glue) as Factory
  // The C side sizes its pool as min(requested, logical cores / 2) at start-up.
  const patchable = os as { cpus: typeof os.cpus }
  const realCpus = patchable.cpus
  const cpus = realCpus()
  patchable.cpus = () => Array.from({ length: threads * 2 }, (_, i) => cpus[i % cpus.length])
  // Workers must not inherit the parent's loader flags (tsx, --input-type, ...): plain JS runs there.
  const threadsModule = workerThreads as { Worker: typeof workerThreads.Worker }
  const RealWorker = threadsModule.Worker
  threadsModule.Worker = class extends RealWorker {
    constructor(file: string | URL, options?: workerThreads.WorkerOptions) {
      super(file, { ...options, execArgv: [] })
    }
  }
  let module: EmscriptenModule
  try {
    module = await factory({
      locateFile: (p: string) =>
        p.endsWith('.worker.js') ? worker : join(dir, p.endsWith('.wasm') ? 'dist' : 'wasm-out', p),
      mainScriptUrlOrBlob: glue
    })
  } finally {
    patchable.cpus = realCpus
    threadsModule.Worker = RealWorker
  }
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, [])
  }
  pkg.setThreadsCount(threads)
  const backend = new pkg.BackendWasm(module)
  const pool = module.PThread
  if (pool) [...pool.unusedWorkers, ...pool.runningWorkers].forEach((w) => w.unref())
  return backend
}

/** Threads XNNPACK gets when nothing is configured: every core, at most 8 (the worker pool). */
export function defaultWasmThreads(): number {
  const cores =
    typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
  return Math.max(1, Math.min(8, cores))
}

/** Environment variable setting the wasm backend's thread count (1 = single-threaded). */
export const WASM_THREADS_ENV = 'UNET_STUDIO_WASM_THREADS'

/** Threads from UNET_STUDIO_WASM_THREADS, else `defaultWasmThreads()`. */
export function configuredWasmThreads(): number {
  const fromEnv = Number.parseInt(process.env[WASM_THREADS_ENV] ?? '', 10)
  return Number.isFinite(fromEnv) && fromEnv > 0 ? Math.min(8, fromEnv) : defaultWasmThreads()
}

/** What the wasm backend ended up running as. */
export const wasmRuntime = { threads: 1, note: 'single-threaded SIMD' }

/**
 * Makes the `wasm` backend use the threaded SIMD build with `threads` threads (also for one
 * thread: its shared memory is what our own modules run on); falls back to tfjs's own
 * single-threaded loader if the threaded module cannot start (reason kept in `note`).
 */
export function useThreadedWasm(threads: number): void {
  const original = tf.findBackendFactory('wasm')
  if (original === null) return
  tf.removeBackend('wasm')
  tf.registerBackend(
    'wasm',
    async () => {
      try {
        const backend = await threadedBackend(threads)
        Object.assign(wasmRuntime, {
          threads,
          note: `threaded SIMD, ${threads} thread${threads > 1 ? 's' : ''}`
        })
        return backend
      } catch (error) {
        Object.assign(wasmRuntime, {
          threads: 1,
          note: `single-threaded SIMD (threads failed: ${(error as Error)?.message ?? error})`
        })
        return original()
      }
    },
    2
  )
}
