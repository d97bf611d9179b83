import { getKernel, type KernelConfig, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { castConfig } from './cast.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { identityConfig } from './identity.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { meanConfig } from './mean.js';
import { replacing } from './shipped-kernels.js';
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
 * Registers the training kernels on the `'wasm'` backend, replacing the shipped kernels of the
 * same names (kept for the cases ours hand back). Idempotent. Returns the kernel names. Call it
 * after `@tensorflow/tfjs-backend-wasm` is imported and initialised (its XNNPACK kernels are what
 * these compose); it does not change the active backend.
 */
export function registerWasmTrainingKernels(): string[] {
  for (const config of trainingKernels) {
    const current = getKernel(config.kernelName, 'wasm');
    if (current?.kernelFunc === config.kernelFunc) continue;
    const replacement = replacing(config);
    if (current != null) unregisterKernel(config.kernelName, 'wasm');
    registerKernel(replacement);
  }
  return trainingKernels.map((config) => config.kernelName);
}
