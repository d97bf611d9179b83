import type { TensorInfo } from '@tensorflow/tfjs-core';
import { float32Heap } from './heap.js';
import type { WasmScratch } from './wasm-scratch.js';

/**
 * Spatial crop of an NHWC tensor: `out[n, h, w, c] = x[n, h + top, w + left, c]` for
 * `h < height`, `w < width`. One contiguous copy of `width * C` floats per output row.
 */
export function crop4d(
  scratch: WasmScratch,
  x: TensorInfo,
  top: number,
  left: number,
  height: number,
  width: number,
): TensorInfo {
  const [batch, inHeight, inWidth, channels] = x.shape as [number, number, number, number];
  if (top === 0 && left === 0 && height === inHeight && width === inWidth) return x;
  if (top < 0 || left < 0 || top + height > inHeight || left + width > inWidth) {
    throw new Error(`crop4d: window ${top}+${height} x ${left}+${width} outside ${inHeight} x ${inWidth}`);
  }
  const out = scratch.allocate([batch, height, width, channels]);
  const { heap, offsetOf } = float32Heap(scratch.backend, out);
  const rowLength = width * channels;
  let dst = offsetOf(out);
  const src = offsetOf(x);
  for (let n = 0; n < batch; n++) {
    for (let h = 0; h < height; h++) {
      const from = src + ((n * inHeight + h + top) * inWidth + left) * channels;
      heap.copyWithin(dst, from, from + rowLength);
      dst += rowLength;
    }
  }
  return out;
}
