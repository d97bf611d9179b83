import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelConfig, type KernelFunc, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from './fused-kernel-names.js';
import { simdKernels } from './simd/simd-module.js';
import { WasmScratch } from './wasm-scratch.js';

/**
 * `FcnBatchNormTrain` and `FcnBatchNormTrainGrad` on wasm: training-mode batch normalisation over the
 * last axis in three passes forward (sum, squared deviations, normalise) and two backward (the two
 * per-channel sums, then dx), with SIMD over 4 channels when the channel count allows
 * (`simd/batch-norm-code.ts`). tfjs ops take about 12 passes forward and 13 backward.
 */
export function batchNormTrain(args: {
  inputs: { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
  backend: BackendWasm;
  attrs: { eps: number };
}): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { x, gamma, beta } = inputs;
  const { channels, pixels } = layout(BATCH_NORM_TRAIN, inputs);
  const kernels = simdKernels(backend);
  const v = channels % 4 === 0;
  const y = backend.makeOutput(x.shape, 'float32');
  const mean = backend.makeOutput([channels], 'float32');
  const variance = backend.makeOutput([channels], 'float32');
  const rstd = backend.makeOutput([channels], 'float32');
  const scratch = new WasmScratch(backend);
  try {
    const acc = scratch.allocate([channels]);
    const blk = scratch.allocate([channels]);
    const at = (t: TensorInfo) => backend.getMemoryOffset(t.dataId);
    const f32 = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
    (v ? kernels.bn_sum_v : kernels.bn_sum_s)(at(x), 0, 0, 0, at(acc), at(blk), 0, 0, pixels, channels);
    const m = f32(mean);
    f32(acc).forEach((s, c) => {
      m[c] = s / pixels;
    });
    (v ? kernels.bn_sqdiff_v : kernels.bn_sqdiff_s)(
      at(x),
      0,
      at(mean),
      0,
      at(acc),
      at(blk),
      0,
      0,
      pixels,
      channels,
    );
    const vr = f32(variance);
    const r = f32(rstd);
    f32(acc).forEach((s, c) => {
      vr[c] = s / pixels;
      r[c] = 1 / Math.sqrt(Math.fround(vr[c]! + attrs.eps));
    });
    (v ? kernels.bn_apply_v : kernels.bn_apply_s)(
      at(x),
      at(mean),
      at(rstd),
      at(gamma),
      at(beta),
      at(y),
      pixels,
      channels,
    );
  } finally {
    scratch.dispose();
  }
  return [y, mean, variance, rstd];
}

export function batchNormTrainGrad(args: {
  inputs: { dy: TensorInfo; x: TensorInfo; mean: TensorInfo; rstd: TensorInfo; gamma: TensorInfo };
  backend: BackendWasm;
}): TensorInfo[] {
  const { inputs, backend } = args;
  const { dy, x, mean, rstd, gamma } = inputs;
  const { channels, pixels } = layout(BATCH_NORM_TRAIN_GRAD, inputs);
  if (!util.arraysEqual(dy.shape, x.shape)) {
    throw new Error(`${BATCH_NORM_TRAIN_GRAD}: dy [${dy.shape}] and x [${x.shape}] differ`);
  }
  const kernels = simdKernels(backend);
  const v = channels % 4 === 0;
  const dx = backend.makeOutput(x.shape, 'float32');
  const dGamma = backend.makeOutput([channels], 'float32');
  const dBeta = backend.makeOutput([channels], 'float32');
  const scratch = new WasmScratch(backend);
  try {
    const [blk0, blk1, a, b, k] = [0, 1, 2, 3, 4].map(() => scratch.allocate([channels])) as TensorInfo[];
    const at = (t: TensorInfo) => backend.getMemoryOffset(t.dataId);
    const f32 = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
    const sums = v ? kernels.bn_grad_sums_v : kernels.bn_grad_sums_s;
    sums(at(x), at(dy), at(mean), at(rstd), at(dBeta), at(blk0!), at(dGamma), at(blk1!), pixels, channels);
    const [sb, sg, va, vb, vk, g, r] = [dBeta, dGamma, a!, b!, k!, gamma, rstd].map(f32) as Float32Array[];
    for (let c = 0; c < channels; c++) {
      va![c] = sb![c]! / pixels;
      vb![c] = sg![c]! / pixels;
      vk![c] = g![c]! * r![c]!;
    }
    (v ? kernels.bn_dx_v : kernels.bn_dx_s)(
      at(dy),
      at(x),
      at(mean),
      at(rstd),
      at(a!),
      at(b!),
      at(k!),
      at(dx),
      pixels,
      channels,
    );
  } finally {
    scratch.dispose();
  }
  return [dx, dGamma, dBeta];
}

function layout(kernel: string, inputs: Record<string, TensorInfo>): { channels: number; pixels: number } {
  const x = inputs.x!;
  const channels = x.shape.at(-1)!;
  for (const [name, t] of Object.entries(inputs)) {
    if (t.dtype !== 'float32') throw new Error(`${kernel}: ${name} must be float32, got ${t.dtype}`);
    if (t.shape.length === 1 && t.shape[0] !== channels) {
      throw new Error(`${kernel}: ${name} has shape [${t.shape}], expected [${channels}]`);
    }
  }
  return { channels, pixels: util.sizeFromShape(x.shape) / channels };
}

export const batchNormTrainConfig: KernelConfig = {
  kernelName: BATCH_NORM_TRAIN,
  backendName: 'wasm',
  kernelFunc: batchNormTrain as unknown as KernelFunc,
};

export const batchNormTrainGradConfig: KernelConfig = {
  kernelName: BATCH_NORM_TRAIN_GRAD,
  backendName: 'wasm',
  kernelFunc: batchNormTrainGrad as unknown as KernelFunc,
};
