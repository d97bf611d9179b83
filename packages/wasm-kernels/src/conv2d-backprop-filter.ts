import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { resolveForwardConv } from './conv-geometry.js';
import { filterGradByDilatedConv } from './filter-grad-dilated-conv.js';
import { filterGradByIm2col } from './filter-grad-im2col.js';
import { filterGradByPhaseGemm } from './filter-grad-phase-gemm.js';
import { filterGradByWinograd, winogradFilterGradVariant } from './filter-grad-winograd.js';
import { simdSupported } from './simd/simd-module.js';
import { withScratch } from './wasm-scratch.js';

/**
 * Filters up to this many taps take the im2col + matrix-product route; larger ones (the FCN's
 * 64x64 upsampler) the phase GEMM or the dilated convolution, whose costs do not grow with the tap
 * count through per-row copies.
 */
const maxIm2colTaps = 64;

/**
 * Large filters take the dilated convolution from this batch size on: it runs the batch as its input
 * channels, and with fewer than 4 XNNPACK's 4-lane kernels idle; below it, the phase GEMM. FCN
 * upsampler (64x64, stride 32) at 320x480, A/B on 2 threads: phase GEMM 23.4 ms against 30.5 at
 * batch 1, 42.1 against 55.9 at batch 2, but 86.0 against 77.2 at batch 4.
 */
const minDilatedConvBatch = 4;

/**
 * `Conv2DBackpropFilter` for the wasm backend, which ships none: dW of `y = conv2d(x, W)`,
 * composed from the backend's XNNPACK kernels (see `filter-grad-winograd.ts`, `filter-grad-im2col.ts`,
 * `filter-grad-phase-gemm.ts` and `filter-grad-dilated-conv.ts` for the four formulations).
 */
export function conv2dBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const conv = resolveForwardConv(
    Conv2DBackpropFilter,
    x.shape as [number, number, number, number],
    attrs.filterShape,
    dy.shape,
    attrs,
  );
  const taps = conv.filter[0] * conv.filter[1];
  const winograd = x.dtype === 'float32' ? winogradFilterGradVariant(conv, x.shape, dy.shape) : null;
  return withScratch(backend, (scratch) => {
    if (winograd) return filterGradByWinograd(scratch, x, dy, conv, winograd);
    if (taps <= maxIm2colTaps) return filterGradByIm2col(scratch, x, dy, conv);
    const batch = x.shape[0]!;
    return batch < minDilatedConvBatch && simdSupported()
      ? filterGradByPhaseGemm(scratch, x, dy, conv)
      : filterGradByDilatedConv(scratch, x, dy, conv);
  });
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
