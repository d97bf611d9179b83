import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  type KernelConfig,
  type KernelFunc,
  Mean,
  type MeanAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { reduceAxisBlock } from './block-reduction.js';

/**
 * `Mean` for the wasm backend: over a contiguous block of leading or middle axes (batch-norm
 * statistics, `axis = [0, 1, 2]` in NHWC) by XNNPACK average pooling (`block-reduction.ts`);
 * anything else by the shipped kernel.
 */
export function mean(args: {
  inputs: { x: TensorInfo };
  backend: BackendWasm;
  attrs: MeanAttrs;
}): TensorInfo {
  return reduceAxisBlock('Mean', args);
}

export const meanConfig: KernelConfig = {
  kernelName: Mean,
  backendName: 'wasm',
  kernelFunc: mean as unknown as KernelFunc,
};
