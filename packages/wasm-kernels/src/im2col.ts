import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { ForwardConv } from './conv-geometry.js';
import { float32Heap } from './heap.js';
import { simdKernels, simdSupported } from './simd/simd-module.js';
import { type TransposeLayout, transposeOnHeap, transposeTensor } from './transpose.js';
import type { WasmScratch } from './wasm-scratch.js';

/**
 * `x[n, h, w, c]` rearranged as `xP[c, n, h, r, q] = x[n, h, q*sw + r, c]` (width split into
 * `sw` phases, zero-padded to a multiple of `sw`), so that every convolution tap reads
 * contiguous runs along `q`. By the SIMD module's transpose (`transpose.ts`), one per phase.
 */
export function widthPhaseMajor(scratch: WasmScratch, x: TensorInfo, strideW: number): TensorInfo {
  const [batch, height, width, channels] = x.shape as [number, number, number, number];
  const extra = (strideW - (width % strideW)) % strideW;
  const padded =
    extra === 0
      ? x
      : scratch.run(
          'PadV2',
          { x },
          {
            paddings: [
              [0, 0],
              [0, 0],
              [0, extra],
              [0, 0],
            ],
            constantValue: 0,
          },
        );
  const columns = (width + extra) / strideW;
  const rows = batch * height;
  const grouped = { ...padded, shape: [rows, columns, strideW, channels] };
  if (strideW === 1 || !simdSupported()) return transposeTensor(scratch, grouped, [3, 0, 2, 1]);
  // One batched transpose per phase r: xP[c, row, r, q] = x[row, q, r, c].
  const xP = scratch.allocate([channels, rows, strideW, columns]);
  for (let r = 0; r < strideW; r++) {
    const layout: TransposeLayout = {
      batches: rows,
      rows: columns,
      cols: channels,
      srcBatch: columns * strideW * channels,
      srcRow: strideW * channels,
      dstBatch: strideW * columns,
      dstRow: rows * strideW * columns,
    };
    transposeOnHeap(scratch, padded, xP, layout, r * channels, r * columns);
  }
  return xP;
}

/**
 * Transposed im2col of the output rows `[r0, r1)`, a row `r = n*OH + oh` being one image row of `dy`:
 *
 *   colT[(kh, kw, c), (r - r0, ow)] = x[n, oh*sh + kh - top, ow*sw + kw - left, c]   (0 outside x)
 *
 * shaped `[1, kh*kw*C, (r1 - r0)*OW]`, read from `xP` of {@link widthPhaseMajor}: with
 * `kw - left = q0*sw + r`, output column `ow` reads phase `r`, column `q = ow + q0`.
 */
export function im2colTransposed(
  scratch: WasmScratch,
  xP: TensorInfo,
  xShape: number[],
  outSize: [number, number],
  { strides, filter, pads }: ForwardConv,
  r0: number,
  r1: number,
): TensorInfo {
  const [batch, height, , channels] = xShape as [number, number, number, number];
  const [outHeight, outWidth] = outSize;
  const [strideH, strideW] = strides;
  const [filterH, filterW] = filter;
  const columns = xP.shape[3]!;
  const colT = scratch.allocate([1, filterH * filterW * channels, (r1 - r0) * outWidth]);
  const { heap, offsetOf } = float32Heap(scratch.backend, colT);
  const source = offsetOf(xP);
  let dst = offsetOf(colT);
  const kernels = simdSupported() ? simdKernels(scratch.backend) : undefined;
  for (let kh = 0; kh < filterH; kh++) {
    for (let kw = 0; kw < filterW; kw++) {
      const shift = kw - pads.left;
      const phase = ((shift % strideW) + strideW) % strideW;
      const q0 = (shift - phase) / strideW;
      const lo = Math.min(outWidth, Math.max(0, -q0));
      const hi = Math.max(lo, Math.min(outWidth, columns - q0));
      if (kernels) {
        const bytes = Float32Array.BYTES_PER_ELEMENT;
        // The same loops in the SIMD module (bulk-memory copies and fills).
        kernels.im2col_tap(
          source * bytes,
          dst * bytes,
          channels,
          batch,
          height,
          outHeight,
          outWidth,
          strideH,
          strideW,
          columns,
          r0,
          r1,
          kh,
          pads.top,
          phase,
          q0,
          lo,
          hi,
        );
        dst += channels * (r1 - r0) * outWidth;
        continue;
      }
      for (let c = 0; c < channels; c++) {
        for (let r = r0; r < r1; r++, dst += outWidth) {
          const n = Math.floor(r / outHeight);
          const h = (r - n * outHeight) * strideH + kh - pads.top;
          if (h < 0 || h >= height) {
            heap.fill(0, dst, dst + outWidth);
            continue;
          }
          const from = source + (((c * batch + n) * height + h) * strideW + phase) * columns + lo + q0;
          heap.fill(0, dst, dst + lo);
          heap.copyWithin(dst + lo, from, from + hi - lo);
          heap.fill(0, dst + hi, dst + outWidth);
        }
      }
    }
  }
  return colT;
}
