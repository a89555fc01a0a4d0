/**
 * Chooses the TensorFlow.js backend once per process: tfjs-node-gpu (CUDA), tfjs-node (native CPU),
 * then tfjs-backend-wasm with our own gradient kernels, then plain `cpu`; reports what was skipped
 * and why. The native packages are optional and loaded at run time only when present.
 */
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import '@tensorflow/tfjs-backend-wasm'
import { tf } from './tf'
import { installEarlyRelease } from './early-release'
import { registerWasmKernels } from '../kernels'
import { configuredWasmThreads, useThreadedWasm, wasmRuntime } from '../kernels/threaded-wasm'

import type { BackendReport } from '../../../src-preload/job-events'
import {
  BACKEND_NAMES,
  NATIVE_BACKENDS,
  type BackendName
} from '../../../src-preload/options/backend'
import { isNotInstalled, loadFailureReason, missingLibraries } from './native-packages'

export { WASM_THREADS_ENV } from '../kernels/threaded-wasm'
export type { BackendName, BackendReport }

const require = createRequire(import.meta.url)
let current: { preferred: BackendName | undefined; report: Promise<BackendReport> } | null = null

/** Environment variable that forces a backend (same names as `initBackend`). */
export const BACKEND_ENV = 'UNET_STUDIO_BACKEND'

let wasmPrepared = false

/** Once: our kernels, and the threaded build. */
function prepareWasm(): void {
  if (wasmPrepared) return
  wasmPrepared = true
  registerWasmKernels()
  useThreadedWasm(configuredWasmThreads())
}

function resolvePackage(pkg: string): string | null {
  try {
    return require.resolve(pkg)
  } catch (error) {
    if (isNotInstalled(error, pkg)) return null
    throw error
  }
}

/** Loads the GPU package in a child first: TF only logs (never throws) when CUDA libs are absent. */
function probeGpu(pkg: string): string | null {
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(pkg)})`], {
    encoding: 'utf8',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '0', ELECTRON_RUN_AS_NODE: '1' },
    timeout: 60_000
  })
  const output = `${probe.stderr ?? ''}\n${probe.stdout ?? ''}`
  if (probe.status !== 0 || missingLibraries(output).length > 0) {
    return loadFailureReason(pkg, output.trim() || `exit code ${probe.status}`)
  }
  return null
}

async function tryNative(native: { package: string; cuda: boolean }): Promise<string | null> {
  const pkg = native.package
  if (resolvePackage(pkg) === null) return 'not installed'
  if (native.cuda) {
    const problem = probeGpu(pkg)
    if (problem !== null) return problem
  }
  try {
    require(pkg)
  } catch (error) {
    return loadFailureReason(pkg, String((error as Error)?.message ?? error))
  }
  return (await tf.setBackend('tensorflow')) ? null : `${pkg} loaded but its backend did not start`
}

async function tryBackend(name: BackendName): Promise<string | null> {
  const native = NATIVE_BACKENDS[name]
  if (native) return tryNative(native)
  if (name === 'wasm') prepareWasm()
  try {
    return (await tf.setBackend(name)) ? null : `${name} backend failed to initialise`
  } catch (error) {
    return `${name} backend failed to initialise: ${(error as Error)?.message ?? error}`
  }
}

function withDetail(report: BackendReport): BackendReport {
  return report.name === 'wasm' ? { ...report, detail: wasmRuntime.note } : report
}

async function choose(preferred: BackendName | undefined): Promise<BackendReport> {
  if (preferred !== undefined) {
    const reason = await tryBackend(preferred)
    if (reason !== null) throw new Error(`Backend '${preferred}' unavailable: ${reason}`)
    await tf.ready()
    return withDetail({ name: preferred, skipped: [] })
  }
  const skipped: BackendReport['skipped'] = []
  for (const name of BACKEND_NAMES) {
    const reason = await tryBackend(name)
    if (reason === null) {
      await tf.ready()
      return withDetail({ name, skipped })
    }
    skipped.push({ name, reason })
  }
  throw new Error(`No TensorFlow.js backend could start: ${JSON.stringify(skipped)}`)
}

function isBackendName(value: string | undefined): value is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(value ?? '')
}

/**
 * Initialises the best available backend (or `preferred`, failing loudly if it cannot start).
 * Calling again with the same preference returns the same report.
 */
export function initBackend(preferred?: BackendName): Promise<BackendReport> {
  installEarlyRelease()
  const fromEnv = process.env[BACKEND_ENV]
  const wanted = preferred ?? (isBackendName(fromEnv) ? fromEnv : undefined)
  if (current !== null && (wanted === undefined || wanted === current.preferred)) {
    return current.report
  }
  const report = choose(wanted)
  current = { preferred: wanted, report }
  report.catch(() => {
    if (current?.report === report) current = null
  })
  return report
}
