import type { TensorInfo } from '@tensorflow/tfjs-core';
import { crop4d } from './crop.js';
import type { SpatialPads, WasmScratch } from './wasm-scratch.js';

export interface ConvolutionParams {
  strides: [number, number];
  dilations: [number, number];
  pads: SpatialPads;
}

/**
 * NHWC convolution on the wasm backend's XNNPACK `Conv2D` with explicit per-side padding that may
 * be negative. `out[i] = sum_t in[i*s + t*d - top] * f[t]`: with `top = -p` only rows `>= p` are
 * read, so a negative pad crops `p` input rows (columns) on that side before convolving.
 */
export function conv2dExplicit(
  scratch: WasmScratch,
  x: TensorInfo,
  filter: TensorInfo,
  { strides, dilations, pads }: ConvolutionParams,
): TensorInfo {
  const [, height, width] = x.shape as [number, number, number, number];
  const cropTop = Math.max(0, -pads.top);
  const cropLeft = Math.max(0, -pads.left);
  const keptHeight = height - cropTop - Math.max(0, -pads.bottom);
  const keptWidth = width - cropLeft - Math.max(0, -pads.right);
  const input = crop4d(scratch, x, cropTop, cropLeft, keptHeight, keptWidth);
  const pad = [
    [0, 0],
    [Math.max(0, pads.top), Math.max(0, pads.bottom)],
    [Math.max(0, pads.left), Math.max(0, pads.right)],
    [0, 0],
  ];
  return scratch.run(
    'Conv2D',
    { x: input, filter },
    { strides, dilations, pad, dataFormat: 'NHWC', dimRoundingMode: 'floor' },
  );
}
