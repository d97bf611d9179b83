import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { ForwardConv } from './conv-geometry.js';
import { conv2dExplicit } from './conv2d-explicit.js';
import { transposeTensor } from './transpose.js';
import type { WasmScratch } from './wasm-scratch.js';

/**
 * dW as one XNNPACK convolution, for large filters (the FCN upsampler):
 *
 *   dW[kh, kw, ci, co] = sum_{n, oh, ow} x[n, oh*sh + kh - top, ow*sw + kw - left, ci] * dy[n, oh, ow, co]
 *
 * is a stride-1 convolution with dilation `s` of the batch-as-channels input
 * `xT[ci, h, w, n] = x[n, h, w, ci]` with the filter `dyT[oh, ow, n, co] = dy[n, oh, ow, co]`:
 *
 *   out[ci, kh, kw, co] = sum_{oh, ow, n} xT[ci, kh + oh*sh - top, kw + ow*sw - left, n] * dyT[oh, ow, n, co]
 *
 * padded by `top` before and `kh - H - top + (OH - 1)*sh` after, so that exactly `kh` rows come out
 * (negative when `(H + top + bottom - kh)` is not a multiple of `sh`: those trailing input rows are
 * never read and are cropped). Then `dW = transpose(out, [1, 2, 0, 3])`.
 */
export function filterGradByDilatedConv(
  scratch: WasmScratch,
  x: TensorInfo,
  dy: TensorInfo,
  { strides, filter, pads }: ForwardConv,
): TensorInfo {
  const [, height, width] = x.shape as [number, number, number, number];
  const [, outHeight, outWidth] = dy.shape as [number, number, number, number];
  const [strideH, strideW] = strides;
  const [filterH, filterW] = filter;
  const xT = transposeTensor(scratch, x, [3, 1, 2, 0]);
  const dyT = scratch.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const perChannel = conv2dExplicit(scratch, xT, dyT, {
    strides: [1, 1],
    dilations: [strideH, strideW],
    pads: {
      top: pads.top,
      bottom: filterH - height - pads.top + (outHeight - 1) * strideH,
      left: pads.left,
      right: filterW - width - pads.left + (outWidth - 1) * strideW,
    },
  });
  return scratch.run('Transpose', { x: perChannel }, { perm: [1, 2, 0, 3] });
}
