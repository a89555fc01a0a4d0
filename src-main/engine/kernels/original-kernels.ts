/**
 * tfjs-backend-wasm's own kernels that ours replace, kept to run the cases ours do not handle.
 */
import { tf } from '../backend/tf'

const originals = new Map<string, tf.KernelConfig>()
const setUp = new WeakMap<object, Set<string>>()

/** Remembers the wasm backend's kernel `name` (call before replacing it; idempotent). */
export function keepOriginal(name: string): void {
  if (originals.has(name)) return
  const config = tf.getKernel(name, 'wasm')
  if (config !== undefined) originals.set(name, config)
}

/** Runs the remembered kernel, running its one-time setup on this backend first. */
export function runOriginal(
  name: string,
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }
): tf.TensorInfo | tf.TensorInfo[] {
  const config = originals.get(name)
  if (config === undefined) throw new Error(`${name} (wasm): original kernel missing`)
  const backend = args.backend as object
  const done = setUp.get(backend) ?? new Set<string>()
  if (!done.has(name)) {
    config.setupFunc?.(backend as tf.KernelBackend)
    done.add(name)
    setUp.set(backend, done)
  }
  return config.kernelFunc(args as never)
}
