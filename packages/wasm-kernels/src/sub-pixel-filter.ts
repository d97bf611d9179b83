import type { TensorInfo } from '@tensorflow/tfjs-core';
import { float32Heap } from './heap.js';
import type { PhaseGroup } from './phase-geometry.js';
import { simdSupported } from './simd/simd-module.js';
import { transposeOnHeap } from './transpose.js';
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
  if (simdSupported()) {
    heap.fill(0, offsetOf(f), offsetOf(f) + f.shape.reduce((a, b) => a * b, 1));
    transposeBlocks(scratch, w, f, strides, rows, cols);
    return f;
  }
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

/**
 * {@link subPixelFilter}'s copies as transposes on the SIMD module (into a zeroed `f`): for each
 * (th, tw, rh), the phases rw whose tap lies inside the kernel are consecutive, and each is the
 * [ci, co] -> [co, ci] transpose of one kernel tap (a batch over rw: source step ci·co, destination
 * step ci).
 */
function transposeBlocks(
  scratch: WasmScratch,
  w: TensorInfo,
  f: TensorInfo,
  [strideH, strideW]: [number, number],
  rows: PhaseGroup,
  cols: PhaseGroup,
): void {
  const [kernelH, kernelW, inChannels, outChannels] = w.shape as [number, number, number, number];
  const phaseBlock = rows.size * cols.size * inChannels;
  for (let th = 0; th < rows.taps; th++) {
    for (let tw = 0; tw < cols.taps; tw++) {
      const kwOffset = strideW * (cols.taps - 1 - tw);
      // rw in [cols.first, rwEnd): kw = rw + kwOffset < kernelW
      const rwEnd = Math.min(cols.first + cols.size, kernelW - kwOffset);
      if (rwEnd <= cols.first) continue;
      for (let rh = rows.first; rh < rows.first + rows.size; rh++) {
        const kh = rh + strideH * (rows.taps - 1 - th);
        if (kh >= kernelH) continue;
        const tap = (th * cols.taps + tw) * outChannels * phaseBlock;
        const phase = (rh - rows.first) * cols.size * inChannels;
        transposeOnHeap(
          scratch,
          w,
          f,
          {
            batches: rwEnd - cols.first,
            rows: inChannels,
            cols: outChannels,
            srcBatch: inChannels * outChannels,
            srcRow: outChannels,
            dstBatch: inChannels,
            dstRow: phaseBlock,
          },
          (kh * kernelW + cols.first + kwOffset) * inChannels * outChannels,
          tap + phase,
        );
      }
    }
  }
}
