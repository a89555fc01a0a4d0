/**
 * Per-kernel time of one training step and one inference batch (`tf.profile`), largest first.
 */
import { createOptimizer } from '../src-main/engine/train/optimizer'
import { tf } from '../src-main/engine/backend/tf'
import { yardstickBatch, type YardstickSettings } from './yardstick'

/** Kernel name → total milliseconds and call count. */
export type KernelTimes = Map<string, { ms: number; calls: number }>

async function profileOnce(f: () => tf.Tensor): Promise<KernelTimes> {
  const info = await tf.profile(() => {
    const out = f()
    return out
  })
  const times: KernelTimes = new Map()
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0
    const t = times.get(k.name) ?? { ms: 0, calls: 0 }
    times.set(k.name, { ms: t.ms + ms, calls: t.calls + 1 })
  }
  return times
}

/** Profiles one Adam training step and one inference batch of `model`. */
export async function profileYardstick(
  model: tf.LayersModel,
  s: YardstickSettings
): Promise<{ train: KernelTimes; infer: KernelTimes }> {
  const { x, y } = yardstickBatch(s)
  const optimizer = createOptimizer('adam', 1e-3)
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const loss = () =>
    tf.losses.sigmoidCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor)
  const train = await profileOnce(() => optimizer.minimize(loss as () => tf.Scalar, true, vars)!)
  const infer = await profileOnce(() => model.predict(x) as tf.Tensor)
  optimizer.dispose()
  tf.dispose([x, y])
  return { train, infer }
}

/** Table lines, largest total first. */
export function formatKernelTimes(times: KernelTimes, top = 15): string[] {
  const rows = [...times.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)
  const total = [...times.values()].reduce((n, t) => n + t.ms, 0)
  return [
    `  total kernel time ${total.toFixed(0)} ms`,
    ...rows.map(
      ([name, t]) => `  ${name.padEnd(28)} ${t.ms.toFixed(1).padStart(9)} ms  x${t.calls}`
    )
  ]
}
