/** The compute backends, named once: the order they are tried in and the packages behind them. */
import { z } from 'zod'

/** Backends in the order they are tried: CUDA, native CPU, our WebAssembly engine, plain JS. */
export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const

/** A backend name as users see it. */
export type BackendName = (typeof BACKEND_NAMES)[number]

/** A backend chosen by the user (`--backend`, or a job option); absent = the best available. */
export const backendName = z.enum(BACKEND_NAMES)

/** The npm package of each native backend; `cuda` ones are probed in a child process first. */
export const NATIVE_BACKENDS: Partial<Record<BackendName, { package: string; cuda: boolean }>> = {
  'tensorflow-gpu': { package: '@tensorflow/tfjs-node-gpu', cuda: true },
  tensorflow: { package: '@tensorflow/tfjs-node', cuda: false }
}

/** The backend names as a sentence, for help texts: `a, b, c or d`. */
export function backendList(): string {
  return `${BACKEND_NAMES.slice(0, -1).join(', ')} or ${BACKEND_NAMES.at(-1)}`
}

/** One line naming the backend chosen and why each one before it was skipped. */
export function backendLine(report: {
  name: BackendName
  skipped: { name: BackendName; reason: string }[]
}): string {
  return `backend ${report.name}${report.skipped.map((s) => `; skipped ${s.name}: ${s.reason}`).join('')}`
}
