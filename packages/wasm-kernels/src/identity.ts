import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Identity, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

/**
 * `Identity` for the wasm backend without a copy: the output shares `x`'s data, reference-counted
 * by the backend (as the cpu backend and the wasm `Reshape` do). No kernel writes into its
 * inputs, so sharing is safe. The shipped kernel copies the whole tensor; a training step calls
 * it for every gradient passed through unchanged.
 */
export function identity(args: { inputs: { x: TensorInfo }; backend: BackendWasm }): TensorInfo {
  const { x } = args.inputs;
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: KernelConfig = {
  kernelName: Identity,
  backendName: 'wasm',
  kernelFunc: identity as unknown as KernelFunc,
};
