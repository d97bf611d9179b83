import type { TensorInfo } from '@tensorflow/tfjs-core';
import { simdKernels, simdSupported } from './simd/simd-module.js';
import type { WasmScratch } from './wasm-scratch.js';

/**
 * A batched, strided 2-D transpose in element strides: `dst[b·dstBatch + c·dstRow + r] =
 * src[b·srcBatch + r·srcRow + c]` for b < batches, r < rows, c < cols.
 */
export interface TransposeLayout {
  batches: number;
  rows: number;
  cols: number;
  srcBatch: number;
  srcRow: number;
  dstBatch: number;
  dstRow: number;
}

/** The layout of a plain `[rows, cols] -> [cols, rows]` transpose. */
export function matrixTranspose(rows: number, cols: number): TransposeLayout {
  return { batches: 1, rows, cols, srcBatch: 0, srcRow: cols, dstBatch: 0, dstRow: rows };
}

/**
 * Runs `layout` from `src` (plus `srcStart` elements) into `dst` (plus `dstStart`) with the SIMD
 * module's `transpose` (`simd/transpose-code.ts`). Only where {@link simdSupported}.
 */
export function transposeOnHeap(
  scratch: WasmScratch,
  src: TensorInfo,
  dst: TensorInfo,
  layout: TransposeLayout,
  srcStart = 0,
  dstStart = 0,
): void {
  const { backend } = scratch;
  const bytes = Float32Array.BYTES_PER_ELEMENT;
  const { batches, rows, cols, srcBatch, srcRow, dstBatch, dstRow } = layout;
  simdKernels(backend).transpose(
    backend.getMemoryOffset(src.dataId) + srcStart * bytes,
    backend.getMemoryOffset(dst.dataId) + dstStart * bytes,
    batches,
    rows,
    cols,
    srcBatch,
    srcRow,
    dstBatch,
    dstRow,
  );
}

/**
 * `x` transposed by `perm` into a new tensor: by the SIMD module's blocked transpose where `perm`
 * swaps two axes around a middle group (`[..., a, m, b] -> [b, m, a]` after merging axes that stay
 * together) and the module runs; else by the backend's `Transpose`, which takes every
 * permutation but walks the output one element at a time (3 to 8 ns an element on ResNet-18's
 * shapes, against about 1 here).
 */
export function transposeTensor(scratch: WasmScratch, x: TensorInfo, perm: number[]): TensorInfo {
  const layout = simdSupported() ? swapLayout(x.shape, perm) : undefined;
  if (layout === undefined) return scratch.run('Transpose', { x }, { perm });
  const out = scratch.allocate(perm.map((axis) => x.shape[axis]!));
  transposeOnHeap(scratch, x, out, layout);
  return out;
}

/**
 * The {@link TransposeLayout} of `perm` on `shape` when it is a swap of an outer group of axes A with
 * an inner group B around a middle group M — `[A, M, B] -> [B, M, A]`, each group of consecutive
 * axes kept in order (M possibly empty), once axes of size 1 are set aside — else undefined.
 */
export function swapLayout(
  fullShape: readonly number[],
  fullPerm: readonly number[],
): TransposeLayout | undefined {
  // Axes of size 1 move nowhere: drop them and renumber the rest.
  const kept = fullShape.map((d, axis) => (d === 1 ? -1 : axis)).filter((axis) => axis >= 0);
  const shape = kept.map((axis) => fullShape[axis]!);
  const perm = fullPerm.filter((axis) => fullShape[axis] !== 1).map((axis) => kept.indexOf(axis));
  const n = perm.length;
  // perm = [B..., M..., A...] with A = 0..a-1, M = a..a+m-1, B = a+m..n-1.
  for (let a = 1; a < n; a++) {
    for (let m = 0; a + m < n; m++) {
      const b = n - a - m;
      const expected = [
        ...Array.from({ length: b }, (_, i) => a + m + i),
        ...Array.from({ length: m }, (_, i) => a + i),
        ...Array.from({ length: a }, (_, i) => i),
      ];
      if (expected.some((axis, i) => axis !== perm[i])) continue;
      const size = (from: number, to: number) => shape.slice(from, to).reduce((p, d) => p * d, 1);
      const rows = size(0, a);
      const middle = size(a, a + m);
      const cols = size(a + m, n);
      return {
        batches: middle,
        rows,
        cols,
        srcBatch: cols,
        srcRow: middle * cols,
        dstBatch: rows,
        dstRow: middle * rows,
      };
    }
  }
  return undefined;
}
