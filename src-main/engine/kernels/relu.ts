/**
 * ReLU for the wasm backend on our module (native/batch-norm-train.c): the forward pass in SIMD
 * on both threads, and a gradient that reads ReLU's output instead of its input (dx = dy where
 * y > 0, which is where x > 0), so the input, a batch norm's output in a U-Net, need not be kept
 * for the backward pass. The gradient is registered for every backend (elsewhere it is
 * dy · step(y), the same values as tfjs's dy · step(x)).
 */
import { tf } from '../backend/tf'
import { trainingKernelOptions } from './batch-norm-train'
import { nativeModule, runSplit } from './native-module'
import { runOriginal } from './original-kernels'
import { offsetOf, type WasmBackendLike } from './wasm-heap'

/** Kernel: inputs dy and y = relu(x); output dx. Registered for wasm. */
export const RELU_GRAD = 'ReluGradFromOutput'

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }

/** Least elements per thread worth waking a helper for. */
const GRAIN = 1 << 18

const sizeOf = (t: tf.TensorInfo): number => t.shape.reduce((a, b) => a * b, 1)

function relu(args: Args): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike
  const { x } = args.inputs as { x: tf.TensorInfo }
  const ours = x.dtype === 'float32' && trainingKernelOptions.enabled
  const native = ours ? nativeModule(backend) : null
  if (native === null) return runOriginal('Relu', args) as tf.TensorInfo
  const out = backend.makeOutput(x.shape, 'float32')
  const size = sizeOf(x)
  if (size > 0) {
    runSplit(native, 'relu_fwd', [offsetOf(backend, x), offsetOf(backend, out)], size, 4, GRAIN)
  }
  return out
}

function reluGrad(args: Args): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike
  const { dy, y } = args.inputs as Record<'dy' | 'y', tf.TensorInfo>
  const native = nativeModule(backend)
  if (native === null) throw new Error(`${RELU_GRAD} (wasm): the SIMD module is not available`)
  const dx = backend.makeOutput(y.shape, 'float32')
  const size = sizeOf(y)
  const at = [dy, y, dx].map((t) => offsetOf(backend, t))
  if (size > 0) runSplit(native, 'relu_grad', at, size, 4, GRAIN)
  return dx
}

/** Kernel configs registered for the `wasm` backend. */
export const reluConfigs: tf.KernelConfig[] = [
  { kernelName: 'Relu', backendName: 'wasm', kernelFunc: relu as unknown as tf.KernelFunc },
  { kernelName: RELU_GRAD, backendName: 'wasm', kernelFunc: reluGrad as unknown as tf.KernelFunc }
]

function fromOutput(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const wasm =
    trainingKernelOptions.enabled &&
    tf.getBackend() === 'wasm' &&
    dy.dtype === 'float32' &&
    y.dtype === 'float32' &&
    tf.getKernel(RELU_GRAD, 'wasm') !== undefined &&
    nativeModule(tf.engine().backend as unknown as WasmBackendLike) !== null
  if (wasm) return tf.engine().runKernel(RELU_GRAD, { dy, y }, {}) as tf.Tensor
  return tf.mul(dy, tf.cast(tf.step(y), 'float32'))
}

let registered = false

/** Replaces tfjs's Relu gradient (once) by one that saves the output, not the input. */
export function registerReluGradient(): void {
  if (registered) return
  registered = true
  tf.registerGradient({
    kernelName: 'Relu',
    outputsToSave: [true],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const g = Array.isArray(dy) ? dy[0] : dy
      return { x: () => fromOutput(g, saved[0]) }
    }
  })
}
