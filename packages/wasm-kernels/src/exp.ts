import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Exp, type KernelConfig, type KernelFunc, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { shippedKernel } from './shipped-kernels.js';
import { simdKernels } from './simd/simd-module.js';

/**
 * `Exp` for the wasm backend: float32 through the project's SIMD exp (`simd/exp-code.ts`, about 1
 * ulp; +Infinity above 88.72; results below ~1.8e-38 may flush to 0); other dtypes by the shipped
 * kernel, which calls libm's scalar expf per element.
 */
export function exp(args: { inputs: { x: TensorInfo }; backend: BackendWasm }): TensorInfo {
  const { inputs, backend } = args;
  const { x } = inputs;
  if (x.dtype !== 'float32') return shippedKernel(Exp)({ ...args, attrs: {} }) as TensorInfo;
  const out = backend.makeOutput(x.shape, 'float32');
  simdKernels(backend).exp(
    backend.getMemoryOffset(x.dataId),
    backend.getMemoryOffset(out.dataId),
    util.sizeFromShape(x.shape),
  );
  return out;
}

export const expConfig: KernelConfig = {
  kernelName: Exp,
  backendName: 'wasm',
  kernelFunc: exp as unknown as KernelFunc,
};
