import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { ForwardConv } from './conv-geometry.js';
import { float32Heap } from './heap.js';
import { im2colTransposed, widthPhaseMajor } from './im2col.js';
import type { WasmScratch } from './wasm-scratch.js';
import { PASS_NS, productNs } from './xnnpack-costs.js';

/**
 * Contraction length (output pixels) per matrix product. XNNPACK's fully-connected kernel does not
 * block the contraction, so it streams all of `dy` once per tile of output rows; chunks of a few
 * thousand pixels keep a chunk of `dy` in cache, and bound the im2col buffer.
 */
export const defaultPixelsPerChunk = 4096;

/**
 * dW as matrix products on XNNPACK's fully-connected kernel (the wasm `BatchMatMul` fast path):
 *
 *   dW[(kh, kw, ci), co] = sum_m colT[(kh, kw, ci), m] * dy[m, co],   m = (n, oh, ow)
 *
 * with `colT` from {@link im2colTransposed}, summed over chunks of whole `dy` rows. The result is
 * already in the `[kh, kw, ci, co]` layout.
 */
export function filterGradByIm2col(
  scratch: WasmScratch,
  x: TensorInfo,
  dy: TensorInfo,
  conv: ForwardConv,
  pixelsPerChunk = defaultPixelsPerChunk,
): TensorInfo {
  const [batch, outHeight, outWidth, outChannels] = dy.shape as [number, number, number, number];
  const [filterH, filterW] = conv.filter;
  const inChannels = x.shape[3]!;
  const rows = batch * outHeight;
  const rowsPerChunk = Math.max(1, Math.floor(pixelsPerChunk / outWidth));
  const xP = widthPhaseMajor(scratch, x, conv.strides[1]);
  let sum: TensorInfo | undefined;
  for (let r0 = 0; r0 < rows; r0 += rowsPerChunk) {
    const r1 = Math.min(rows, r0 + rowsPerChunk);
    const colT = im2colTransposed(scratch, xP, x.shape, [outHeight, outWidth], conv, r0, r1);
    const dyRows =
      r1 - r0 === rows ? { ...dy, shape: [1, rows * outWidth, outChannels] } : rowRange(scratch, dy, r0, r1);
    const part = scratch.run('BatchMatMul', { a: colT, b: dyRows }, { transposeA: false, transposeB: false });
    scratch.free(colT);
    scratch.free(dyRows);
    sum = scratch.accumulate(sum, part);
  }
  return scratch.run('Reshape', { x: sum! }, { shape: [filterH, filterW, inChannels, outChannels] });
}

/**
 * The estimated time of {@link filterGradByIm2col} (`xnnpack-costs.ts`): one product per chunk, each
 * packing its `dy` rows, the im2col's values and the width-phase-major copy of x.
 */
export function filterGradIm2colCostNs(
  conv: ForwardConv,
  inputShape: number[],
  dyPixels: number,
  outChannels: number,
): number {
  const [kh, kw] = conv.filter;
  const col = dyPixels * kh * kw * inputShape[3]!;
  const chunks = Math.ceil(dyPixels / defaultPixelsPerChunk);
  return (
    productNs(dyPixels * outChannels, chunks, 2 * col * outChannels) +
    PASS_NS * (col + inputShape.reduce((a, b) => a * b, 1))
  );
}

/** Image rows `[r0, r1)` (`r = n*H + h`) of an NHWC tensor as a `[1, pixels, C]` matrix (a copy). */
function rowRange(scratch: WasmScratch, dy: TensorInfo, r0: number, r1: number): TensorInfo {
  const [, , width, channels] = dy.shape as [number, number, number, number];
  const perRow = width * channels;
  const out = scratch.allocate([1, (r1 - r0) * width, channels]);
  const { heap, offsetOf } = float32Heap(scratch.backend, out);
  const from = offsetOf(dy) + r0 * perRow;
  heap.copyWithin(offsetOf(out), from, from + (r1 - r0) * perRow);
  return out;
}
