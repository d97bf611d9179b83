import { getKernel, type KernelConfig, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { batchNormTrainConfig, batchNormTrainGradConfig } from './batch-norm-train.js';
import { castConfig } from './cast.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { conv2dConfig } from './conv2d-forward.js';
import { expConfig } from './exp.js';
import { identityConfig } from './identity.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { meanConfig } from './mean.js';
import { sgdUpdateConfig } from './sgd-update.js';
import { replacing } from './shipped-kernels.js';
import { simdSupported } from './simd/simd-module.js';
import { softmaxCrossEntropyConfig } from './softmax-cross-entropy.js';
import { sumConfig } from './sum.js';
import { tileConfig } from './tile.js';

/** Training kernels for the wasm backend: the missing one, and faster or fixed replacements. */
const trainingKernels: KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  maxPoolGradConfig,
  tileConfig,
  identityConfig,
  castConfig,
  sumConfig,
  meanConfig,
];

/**
 * The project's SIMD kernels (`simd/`): a faster `Exp`, and the fused kernels that `@fcn/train` and
 * `@fcn/layers` call by name when registered (`fused-kernel-names.ts`). Registered only where the
 * engine has WebAssembly SIMD; elsewhere the libraries compose the same computations from tfjs ops.
 */
const simdKernelConfigs: KernelConfig[] = [
  conv2dConfig,
  expConfig,
  sgdUpdateConfig,
  softmaxCrossEntropyConfig,
  batchNormTrainConfig,
  batchNormTrainGradConfig,
];

/**
 * Registers the training kernels on the `'wasm'` backend, replacing the shipped kernels of the
 * same names (kept for the cases ours hand back). Idempotent. Returns the kernel names. Call it
 * after `@tensorflow/tfjs-backend-wasm` is imported and initialised (its XNNPACK kernels are what
 * these compose); it does not change the active backend.
 */
export function registerWasmTrainingKernels(): string[] {
  const configs = simdSupported() ? [...trainingKernels, ...simdKernelConfigs] : trainingKernels;
  for (const config of configs) {
    const current = getKernel(config.kernelName, 'wasm');
    if (current?.kernelFunc === config.kernelFunc) continue;
    const replacement = replacing(config);
    if (current != null) unregisterKernel(config.kernelName, 'wasm');
    registerKernel(replacement);
  }
  return configs.map((config) => config.kernelName);
}
