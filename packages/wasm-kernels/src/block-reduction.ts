import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backend_util, type NamedAttrMap, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { shippedKernel } from './shipped-kernels.js';
import { withScratch } from './wasm-scratch.js';

/**
 * A reduction over one contiguous block of axes, `x` viewed as `[outer, reduced, inner]`. Returns
 * undefined when the axes are not one block, the block is innermost (`inner = 1`, which the
 * shipped kernels reduce without a transpose), or fewer than 2 elements are reduced.
 */
export function axisBlock(
  shape: number[],
  axis: number | number[] | null,
): { outer: number; reduced: number; inner: number; axes: number[] } | undefined {
  const axes = util.parseAxisParam(axis ?? shape.map((_, i) => i), shape).sort((a, b) => a - b);
  if (axes.length === 0 || axes.some((a, i) => i > 0 && a !== axes[i - 1]! + 1)) return undefined;
  const first = axes[0]!;
  const last = axes.at(-1)!;
  const outer = util.sizeFromShape(shape.slice(0, first));
  const reduced = util.sizeFromShape(shape.slice(first, last + 1));
  const inner = util.sizeFromShape(shape.slice(last + 1));
  if (inner === 1 || reduced < 2) return undefined;
  return { outer, reduced, inner, axes };
}

/**
 * `Mean` or `Sum` of float32 `x` over a contiguous, non-innermost block of axes, as XNNPACK
 * average pooling of the view `[outer, reduced, 1, inner]` with a `[reduced, 1]` window:
 * `mean[o, i] = sum_r x[o, r, i] / reduced`, and `sum = mean * reduced`. The shipped kernels
 * first transpose the reduced axes innermost (a scalar pass) and then reduce; this reads `x` once
 * with SIMD. Other cases go to the shipped kernel `kernelName`.
 */
export function reduceAxisBlock(
  kernelName: 'Sum' | 'Mean',
  args: {
    inputs: { x: TensorInfo };
    backend: BackendWasm;
    attrs: { axis: number | number[]; keepDims: boolean };
  },
): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const block = x.dtype === 'float32' ? axisBlock(x.shape, attrs.axis) : undefined;
  if (block === undefined) {
    return shippedKernel(kernelName)({ ...args, attrs: attrs as unknown as NamedAttrMap }) as TensorInfo;
  }
  const { outer, reduced, inner, axes } = block;
  const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
  const shape = attrs.keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
  return withScratch(backend, (scratch) => {
    const view = { ...x, shape: [outer, reduced, 1, inner] };
    const mean = scratch.run('AvgPool', { x: view }, { filterSize: [reduced, 1], strides: 1, pad: 'valid' });
    if (kernelName === 'Sum') {
      const values = backend.typedArrayFromHeap(mean);
      for (let i = 0; i < values.length; i++) values[i] = values[i]! * reduced;
    }
    return scratch.run('Reshape', { x: mean }, { shape });
  });
}
