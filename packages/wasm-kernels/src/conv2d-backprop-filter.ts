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
import { withScratch } from './wasm-scratch.js';

/**
 * Filters up to this many taps take the im2col + matrix-product route; larger ones (the FCN's
 * 64x64 upsampler) the dilated-convolution route, whose cost does not grow with the tap count
 * through per-row copies.
 */
const maxIm2colTaps = 64;

/**
 * `Conv2DBackpropFilter` for the wasm backend, which ships none: dW of `y = conv2d(x, W)`,
 * composed from the backend's XNNPACK kernels (see `filter-grad-im2col.ts` and
 * `filter-grad-dilated-conv.ts` for the two formulations).
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
  return withScratch(backend, (scratch) =>
    taps <= maxIm2colTaps
      ? filterGradByIm2col(scratch, x, dy, conv)
      : filterGradByDilatedConv(scratch, x, dy, conv),
  );
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
