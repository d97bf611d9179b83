import type { TensorInfo } from '@tensorflow/tfjs-core';
import { float32Heap } from './heap.js';
import type { PhaseGroup } from './phase-geometry.js';
import type { WasmScratch } from './wasm-scratch.js';

/**
 * The filter of the stride-1 convolution that computes a block of phases of a transposed
 * convolution (see `phase-geometry.ts`): from `w[kh, kw, ci, co]` (TF.js layout, `ci` the
 * channels of `dx`, `co` those of `dy`) it builds
 *
 *   f[th, tw, co, rh', rw', ci] = w[rh + sh*(rows.taps - 1 - th), rw + sw*(cols.taps - 1 - tw), ci, co]
 *
 * with `rh = rows.first + rh'`, `rw = cols.first + rw'` (0 where the index passes the kernel),
 * shaped `[rows.taps, cols.taps, co, rows.size * cols.size * ci]`: input channels `co`, output
 * channels phase-major like a depth-to-space block.
 */
export function subPixelFilter(
  scratch: WasmScratch,
  w: TensorInfo,
  strides: [number, number],
  rows: PhaseGroup,
  cols: PhaseGroup,
): TensorInfo {
  const [kernelH, kernelW, inChannels, outChannels] = w.shape as [number, number, number, number];
  const [strideH, strideW] = strides;
  const f = scratch.allocate([rows.taps, cols.taps, outChannels, rows.size * cols.size * inChannels]);
  const { heap, offsetOf } = float32Heap(scratch.backend, f);
  const source = offsetOf(w);
  let dst = offsetOf(f);
  for (let th = 0; th < rows.taps; th++) {
    for (let tw = 0; tw < cols.taps; tw++) {
      for (let co = 0; co < outChannels; co++) {
        for (let rh = rows.first; rh < rows.first + rows.size; rh++) {
          const kh = rh + strideH * (rows.taps - 1 - th);
          for (let rw = cols.first; rw < cols.first + cols.size; rw++) {
            const kw = rw + strideW * (cols.taps - 1 - tw);
            if (kh < kernelH && kw < kernelW) {
              let src = source + (kh * kernelW + kw) * inChannels * outChannels + co;
              for (let ci = 0; ci < inChannels; ci++, src += outChannels) heap[dst + ci] = heap[src]!;
            } else {
              heap.fill(0, dst, dst + inChannels);
            }
            dst += inChannels;
          }
        }
      }
    }
  }
  return f;
}
