/**
 * Batch normalisation in training mode as one wasm kernel with a closed-form gradient
 * (native/batch-norm-train.c), instead of tfjs's `tf.moments` chain (Mean, Sub, Square, Mean,
 * FusedBatchNorm and the gradients of each, ≈ 15 passes over the activations and four full-size
 * tensors kept for the backward pass). Forward: per-channel sums of x and x² shifted by the first
 * row (one pass), then y = (x − mean)·k + offset; it returns the batch mean and (biased) variance
 * too, for the moving averages. Backward, from x alone: Σ dy and Σ dy·x̂ per channel (one pass),
 * then dx = γ·rs·(dy − Σdy/N − x̂·Σ(dy·x̂)/N) in one more. Both threads share every pass.
 * With the attribute `relu`, the kernel is batch norm followed by ReLU: the apply pass clamps at 0,
 * and the backward passes mask dy where (x − mean)·k + offset ≤ 0, recomputed from x as the forward
 * pass formed it, so neither the normalised activations nor a separate ReLU pass are needed.
 */
import { tf } from '../backend/tf'
import { nativeModule, runSplit, threadCount, withScratch, type Native } from './native-module'
import { heap, offsetOf, type WasmBackendLike } from './wasm-heap'

/**
 * Kernel: inputs x (NHWC), scale, offset, movingMean, movingVariance ([C]); attributes
 * varianceEpsilon, momentum and relu; outputs y (ReLU applied when `relu`), batch mean, batch
 * variance, and the moving mean and variance updated as tfjs's layer does (float32 steps
 * m − (m − batch)·(1 − momentum)), which saves that layer's five small kernels per statistic.
 */
export const BATCH_NORM_TRAIN = 'BatchNormTrain'
/** Kernel: inputs x, dy, mean, variance, scale, offset; outputs dx, dscale, doffset. */
export const BATCH_NORM_TRAIN_GRAD = 'BatchNormTrainGrad'

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }
type Attrs = { varianceEpsilon: number; relu?: boolean; momentum?: number }

/** Off: training-mode batch norm and ReLU take tfjs's own paths (for side-by-side timings). */
export const trainingKernelOptions = { enabled: true }

/** Least elements per thread worth waking a helper for. */
const MIN_PART_ELEMENTS = 1 << 18

const sizeOf = (t: tf.TensorInfo): number => t.shape.reduce((a, b) => a * b, 1)

function setup(args: Args): { backend: WasmBackendLike; native: Native } {
  const backend = args.backend as WasmBackendLike
  const native = nativeModule(backend)
  if (native === null) throw new Error('batch norm (wasm): the SIMD module is not available')
  return { backend, native }
}

/** Rows (pixels) of `x` and its channels; rows per thread part. */
function geometry(x: tf.TensorInfo): { rows: number; channels: number; grain: number } {
  const channels = x.shape[x.shape.length - 1]
  return { rows: sizeOf(x) / channels, channels, grain: Math.ceil(MIN_PART_ELEMENTS / channels) }
}

/**
 * Adds up `parts` slices of `terms` × `channels` float64 sums at byte address `at`: [term][c].
 */
function partSums(
  backend: WasmBackendLike,
  at: number,
  parts: number,
  terms: number,
  channels: number
): Float64Array[] {
  const all = new Float64Array(heap(backend).buffer, at, parts * terms * channels)
  return Array.from({ length: terms }, (_, t) => {
    const out = new Float64Array(channels)
    for (let p = 0; p < parts; p++)
      for (let c = 0; c < channels; c++) out[c] += all[(p * terms + t) * channels + c]
    return out
  })
}

function batchNormTrain(args: Args): tf.TensorInfo[] {
  const { backend, native } = setup(args)
  type Name = 'x' | 'scale' | 'offset' | 'movingMean' | 'movingVariance'
  const { x, scale, offset, movingMean, movingVariance } = args.inputs as Record<
    Name,
    tf.TensorInfo
  >
  const { varianceEpsilon: eps, relu, momentum = 0.99 } = args.attrs as Attrs
  const { rows, channels, grain } = geometry(x)
  const y = backend.makeOutput(x.shape, 'float32')
  const mean = backend.makeOutput([channels], 'float32')
  const variance = backend.makeOutput([channels], 'float32')
  const newMean = backend.makeOutput([channels], 'float32')
  const newVariance = backend.makeOutput([channels], 'float32')
  const parts = threadCount(native)
  const sumBytes = parts * 2 * channels * 8
  withScratch(native, sumBytes + 2 * channels * 4, (scratch) => {
    const [shift, k] = [scratch + sumBytes, scratch + sumBytes + channels * 4]
    const at = (t: tf.TensorInfo) => offsetOf(backend, t)
    let f = heap(backend)
    f.copyWithin(shift / 4, at(x) / 4, at(x) / 4 + channels)
    new Float64Array(f.buffer, scratch, parts * 2 * channels).fill(0)
    runSplit(native, 'bn_moments', [at(x), channels, shift, scratch], rows, 1, grain)
    const [s1, s2] = partSums(backend, scratch, parts, 2, channels)
    f = heap(backend)
    const [m0, v0, g0, k0] = [at(mean) / 4, at(variance) / 4, at(scale) / 4, k / 4]
    for (let c = 0; c < channels; c++) {
      const d = s1[c] / rows
      f[m0 + c] = f[shift / 4 + c] + d
      f[v0 + c] = Math.max(0, s2[c] / rows - d * d)
      f[k0 + c] = f[g0 + c] / Math.sqrt(f[v0 + c] + eps)
    }
    const decay = Math.fround(1 - momentum)
    for (const [moving, batch, next] of [
      [movingMean, mean, newMean],
      [movingVariance, variance, newVariance]
    ]) {
      const [m0, b0, n0] = [at(moving) / 4, at(batch) / 4, at(next) / 4]
      for (let c = 0; c < channels; c++) {
        const step = Math.fround(Math.fround(f[m0 + c] - f[b0 + c]) * decay)
        f[n0 + c] = f[m0 + c] - step
      }
    }
    const applyArgs = [at(x), channels, at(mean), k, at(offset), at(y)]
    runSplit(native, relu === true ? 'bn_apply_relu' : 'bn_apply', applyArgs, rows, 1, grain)
  })
  return [y, mean, variance, newMean, newVariance]
}

function batchNormTrainGrad(args: Args): tf.TensorInfo[] {
  const { backend, native } = setup(args)
  type Name = 'x' | 'dy' | 'mean' | 'variance' | 'scale' | 'offset'
  const { x, dy, mean, variance, scale, offset } = args.inputs as Record<Name, tf.TensorInfo>
  const { varianceEpsilon: eps, relu } = args.attrs as Attrs
  const { rows, channels, grain } = geometry(x)
  const dx = backend.makeOutput(x.shape, 'float32')
  const dscale = backend.makeOutput([channels], 'float32')
  const doffset = backend.makeOutput([channels], 'float32')
  const parts = threadCount(native)
  const sumBytes = parts * 2 * channels * 8
  withScratch(native, sumBytes + 5 * channels * 4, (scratch) => {
    const [rs, k1, k2, k3, k] = [0, 1, 2, 3, 4].map((i) => scratch + sumBytes + i * channels * 4)
    const at = (t: tf.TensorInfo) => offsetOf(backend, t)
    let f = heap(backend)
    const [v0, g0] = [at(variance) / 4, at(scale) / 4]
    for (let c = 0; c < channels; c++) {
      f[rs / 4 + c] = 1 / Math.sqrt(f[v0 + c] + eps)
      // The forward pass's factor, formed the same way, so the ReLU mask matches it exactly.
      f[k / 4 + c] = f[g0 + c] / Math.sqrt(f[v0 + c] + eps)
    }
    new Float64Array(f.buffer, scratch, parts * 2 * channels).fill(0)
    const masked = relu === true ? [k, at(offset)] : []
    const sumArgs = [at(x), at(dy), channels, at(mean), rs, ...masked, scratch]
    runSplit(native, relu === true ? 'bn_relu_sums' : 'bn_train_sums', sumArgs, rows, 1, grain)
    const [sumDy, sumDyXhat] = partSums(backend, scratch, parts, 2, channels)
    f = heap(backend)
    for (let c = 0; c < channels; c++) {
      const r = f[rs / 4 + c]
      const gr = f[g0 + c] * r
      f[at(dscale) / 4 + c] = sumDyXhat[c]
      f[at(doffset) / 4 + c] = sumDy[c]
      f[k1 / 4 + c] = gr
      f[k2 / 4 + c] = (-gr * r * sumDyXhat[c]) / rows
      f[k3 / 4 + c] = (-gr * sumDy[c]) / rows
    }
    const dxArgs = [at(x), at(dy), channels, at(mean), ...masked, k1, k2, k3, at(dx)]
    runSplit(native, relu === true ? 'bn_relu_dx' : 'bn_train_dx', dxArgs, rows, 1, grain)
  })
  return [dx, dscale, doffset]
}

/** Kernel configs registered for the `wasm` backend. */
export const batchNormTrainConfigs: tf.KernelConfig[] = [
  {
    kernelName: BATCH_NORM_TRAIN,
    backendName: 'wasm',
    kernelFunc: batchNormTrain as unknown as tf.KernelFunc
  },
  {
    kernelName: BATCH_NORM_TRAIN_GRAD,
    backendName: 'wasm',
    kernelFunc: batchNormTrainGrad as unknown as tf.KernelFunc
  }
]

/**
 * True when `BatchNormTrain` can normalise `x` over all but its last axis: the wasm backend with
 * our module, float32, channels a multiple of 4.
 */
export function batchNormTrainFits(x: tf.Tensor): boolean {
  const known = tf.getKernel(BATCH_NORM_TRAIN, 'wasm') !== undefined
  if (!trainingKernelOptions.enabled || tf.getBackend() !== 'wasm' || !known) {
    return false
  }
  const channels = x.shape[x.rank - 1]
  return (
    x.dtype === 'float32' &&
    x.rank >= 2 &&
    x.size > 0 &&
    channels % 4 === 0 &&
    nativeModule(tf.engine().backend as unknown as WasmBackendLike) !== null
  )
}

let registered = false

/**
 * Registers BatchNormTrain's gradient (once): dx, dscale and doffset from x, the statistics and the
 * offset (which, with `relu`, says where the ReLU passed).
 */
export function registerBatchNormTrainGradient(): void {
  if (registered) return
  registered = true
  tf.registerGradient({
    kernelName: BATCH_NORM_TRAIN,
    inputsToSave: ['x', 'scale', 'offset'],
    outputsToSave: [false, true, true, false, false],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const [x, scale, offset, mean, variance] = saved
      const g = Array.isArray(dy) ? dy[0] : dy
      const inputs = { x, dy: g, mean, variance, scale, offset }
      const [dx, dscale, doffset] = tf
        .engine()
        .runKernel(BATCH_NORM_TRAIN_GRAD, inputs, attrs) as tf.Tensor[]
      return {
        x: () => dx,
        scale: () => dscale,
        offset: () => doffset,
        movingMean: () => tf.zerosLike(mean),
        movingVariance: () => tf.zerosLike(variance)
      }
    }
  })
}
