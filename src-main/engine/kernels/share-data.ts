/**
 * Identity and same-dtype Cast for the wasm backend without a copy: the output shares the input's
 * data (reference-counted, as wasm's own Reshape does). tfjs-backend-wasm copies the whole tensor
 * for both, and a U-Net training step runs hundreds of them (clone() in gradients, the Cast in
 * `tf.moments` and in the ReLU gradient, and their gradients). Other casts use the original.
 */
import { tf } from '../backend/tf'
import { runOriginal } from './original-kernels'

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }

interface RefCounted {
  incRef(dataId: object): void
}

function share(x: tf.TensorInfo, backend: unknown): tf.TensorInfo {
  ;(backend as RefCounted).incRef(x.dataId)
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype }
}

/** Identity: the same data, one more reference. */
export const identityConfig: tf.KernelConfig = {
  kernelName: 'Identity',
  backendName: 'wasm',
  kernelFunc: ((args: Args) =>
    share(args.inputs.x as tf.TensorInfo, args.backend)) as unknown as tf.KernelFunc
}

/** Cast to the dtype a tensor already has: shared; any other cast: wasm's own kernel. */
export const castConfig: tf.KernelConfig = {
  kernelName: 'Cast',
  backendName: 'wasm',
  kernelFunc: ((args: Args) => {
    const { x } = args.inputs as { x: tf.TensorInfo }
    const { dtype } = args.attrs as { dtype: string }
    return x.dtype === dtype ? share(x, args.backend) : runOriginal('Cast', args)
  }) as unknown as tf.KernelFunc
}
