/**
 * The project's own kernels for tfjs-backend-wasm, registered once before the backend is used.
 */
import { tf } from '../backend/tf'
import { fusedAdamConfig } from './adam-update'
import { fusedBatchNormConfig } from './batch-norm'
import { batchNormGradSumsConfig, registerBatchNormGradient } from './batch-norm-grad'
import { batchNormTrainConfigs, registerBatchNormTrainGradient } from './batch-norm-train'
import { channelBinaryConfigs } from './channel-binary'
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter'
import { conv2DBackpropInputConfig } from './conv2d-backprop-input'
import { conv2DConfig, fusedConv2DConfig } from './conv2d-winograd'
import { maxPoolGradConfig } from './max-pool-grad'
import { registerMeanGradient } from './mean-grad'
import { keepOriginal } from './original-kernels'
import { meanConfig, sumConfig } from './reduce-leading'
import { reluConfigs, registerReluGradient } from './relu'
import { resizeBilinearGradConfig } from './resize-bilinear-grad'
import { samplingConfigs } from './sampling'
import { castConfig, identityConfig } from './share-data'
import { concatConfig, splitVConfig } from './split-concat'
import { tileConfig } from './tile-leading'

/** Every kernel we add to (or replace in) the wasm backend. */
export const WASM_KERNELS: tf.KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  conv2DConfig,
  fusedConv2DConfig,
  sumConfig,
  meanConfig,
  identityConfig,
  castConfig,
  maxPoolGradConfig,
  splitVConfig,
  concatConfig,
  fusedBatchNormConfig,
  ...channelBinaryConfigs,
  fusedAdamConfig,
  tileConfig,
  batchNormGradSumsConfig,
  resizeBilinearGradConfig,
  ...batchNormTrainConfigs,
  ...reluConfigs,
  ...samplingConfigs
]

/** Registers our wasm kernels (safe to call more than once). */
export function registerWasmKernels(): void {
  for (const config of WASM_KERNELS) {
    keepOriginal(config.kernelName)
    if (tf.getKernel(config.kernelName, 'wasm') !== undefined) {
      tf.unregisterKernel(config.kernelName, 'wasm')
    }
    tf.registerKernel(config)
  }
  registerBatchNormGradient()
  registerMeanGradient()
  registerBatchNormTrainGradient()
  registerReluGradient()
}
