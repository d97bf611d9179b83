import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  type KernelConfig,
  type KernelFunc,
  Sum,
  type SumAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { reduceAxisBlock } from './block-reduction.js';

/**
 * `Sum` for the wasm backend: over a contiguous block of leading or middle axes (the per-channel
 * sums of batch-norm and bias gradients, `axis = [0, 1, 2]` in NHWC) by XNNPACK average pooling
 * (`block-reduction.ts`); anything else by the shipped kernel.
 */
export function sum(args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: SumAttrs }): TensorInfo {
  return reduceAxisBlock('Sum', args);
}

export const sumConfig: KernelConfig = {
  kernelName: Sum,
  backendName: 'wasm',
  kernelFunc: sum as unknown as KernelFunc,
};
