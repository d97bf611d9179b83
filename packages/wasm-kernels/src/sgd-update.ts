import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelConfig, type KernelFunc, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { SGD_UPDATE } from './fused-kernel-names.js';
import { simdKernels } from './simd/simd-module.js';

export interface SgdUpdateAttrs {
  lr: number;
  weightDecay: number;
  momentum: number;
}

/**
 * `FcnSgdUpdate` on wasm: MXNet's SGD step for one parameter in one SIMD pass (`simd/sgd-code.ts`),
 * the same float32 operations as the tfjs-op composition in `@fcn/train`, so the same bits.
 */
export function sgdUpdate(args: {
  inputs: { param: TensorInfo; grad: TensorInfo; momentum?: TensorInfo };
  backend: BackendWasm;
  attrs: SgdUpdateAttrs;
}): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { param, grad, momentum } = inputs;
  for (const [name, t] of Object.entries(inputs)) {
    if (t.dtype !== 'float32') throw new Error(`${SGD_UPDATE}: ${name} must be float32, got ${t.dtype}`);
    if (!util.arraysEqual(t.shape, param.shape)) {
      throw new Error(`${SGD_UPDATE}: ${name} has shape [${t.shape}], the parameter [${param.shape}]`);
    }
  }
  const kernels = simdKernels(backend);
  const n = util.sizeFromShape(param.shape);
  const outParam = backend.makeOutput(param.shape, 'float32');
  const outMomentum = momentum ? backend.makeOutput(param.shape, 'float32') : undefined;
  const at = (t: TensorInfo | undefined) => (t ? backend.getMemoryOffset(t.dataId) : 0);
  const decay = attrs.weightDecay !== 0;
  const update = momentum
    ? decay
      ? kernels.sgd_mom_wd
      : kernels.sgd_mom
    : decay
      ? kernels.sgd_wd
      : kernels.sgd;
  update(
    at(param),
    at(grad),
    at(momentum),
    at(outParam),
    at(outMomentum),
    n,
    attrs.lr,
    attrs.weightDecay,
    attrs.momentum,
  );
  return outMomentum ? [outParam, outMomentum] : [outParam];
}

export const sgdUpdateConfig: KernelConfig = {
  kernelName: SGD_UPDATE,
  backendName: 'wasm',
  kernelFunc: sgdUpdate as unknown as KernelFunc,
};
