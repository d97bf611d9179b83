import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  backend_util,
  Conv2D,
  type Conv2DAttrs,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { ForwardConv } from './conv-geometry.js';
import { float32Heap } from './heap.js';
import { im2colTransposed, widthPhaseMajor } from './im2col.js';
import { shippedKernel } from './shipped-kernels.js';
import { simdSupported } from './simd/simd-module.js';
import { matrixTranspose, transposeOnHeap, transposeTensor } from './transpose.js';
import { type WasmScratch, withScratch } from './wasm-scratch.js';
import { convByWinograd, prefersWinograd } from './winograd-conv.js';

/**
 * Filters whose data XNNPACK has seen in a `Conv2D` (and so holds packed, in the tfjs operator cache).
 * Weak: an entry goes with its tensor.
 */
const packed = new WeakSet<object>();

/**
 * Whether the forward convolution is cheaper as {@link convByGemm}: XNNPACK packs a filter the first
 * time a `Conv2D` sees it (about 10 ns a weight here) and caches it, so inference pays once but a
 * training step, whose weights are new every step, pays every time. Where the filter is large and the
 * output small (ResNet-18's layer4.0 at batch 1: 1.2 M weights, stride 2, 150 output pixels), one matrix
 * product that packs the im2col matrix instead is cheaper. A filter seen before goes to XNNPACK, which
 * has it packed; 3x3 stride-1 filters go to Winograd first ({@link prefersWinograd}).
 */
export function prefersGemmForward(
  filterShape: number[],
  outPixels: number,
  dilations: [number, number],
): boolean {
  const [kh, kw, inChannels, outChannels] = filterShape as [number, number, number, number];
  return (
    dilations[0] === 1 &&
    dilations[1] === 1 &&
    kh * kw <= 9 &&
    kh * kw * inChannels >= 1024 &&
    outPixels * 2 <= outChannels
  );
}

/**
 * `Conv2D` for the wasm backend: the shipped XNNPACK kernel, except float32 NHWC convolutions that
 * Winograd takes ({@link prefersWinograd}: 3x3 stride 1, enough tiles) and, of the others, those whose
 * new filter is large next to their output ({@link prefersGemmForward}), done as {@link convByGemm}.
 */
export function conv2d(args: {
  inputs: { x: TensorInfo; filter: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, filter } = inputs;
  const seen = packed.has(filter.dataId);
  packed.add(filter.dataId);
  if (attrs.dataFormat === 'NHWC' && x.dtype === 'float32') {
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides,
      attrs.dilations ?? 1,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    const outPixels = info.batchSize * info.outHeight * info.outWidth;
    const dilations: [number, number] = [info.dilationHeight, info.dilationWidth];
    const { top, bottom, left, right } = info.padInfo;
    if (prefersWinograd(filter.shape, [info.strideHeight, info.strideWidth], outPixels, seen)) {
      const outShape = info.outShape as [number, number, number, number];
      return withScratch(backend, (scratch) =>
        convByWinograd(scratch, x, { filter, flipped: false }, { top, left }, dilations, outShape, seen),
      );
    }
    if (!seen && simdSupported() && prefersGemmForward(filter.shape, outPixels, dilations)) {
      const conv: ForwardConv = {
        strides: [info.strideHeight, info.strideWidth],
        filter: [info.filterHeight, info.filterWidth],
        pads: { top, bottom, left, right },
      };
      return withScratch(backend, (scratch) => convByGemm(scratch, x, filter, conv, info.outShape));
    }
  }
  return shippedKernel(Conv2D)({ ...args, attrs: attrs as unknown as NamedAttrMap }) as TensorInfo;
}

/**
 * y = conv2d(x, W) as matrix products that pack the im2col matrix rather than W, one per filter row
 * (kernel row i), summed:
 *
 *   yᵀ[co, m] = sum_i Wᵢᵀ[co, (j, ci)] · colTᵢ[(j, ci), m],   m = (n, oh, ow)
 *
 * with colT from `im2colTransposed` and Wᵢ the filter's rows for kernel row i (contiguous in HWIO),
 * transposed straight from the filter by the SIMD module (`transpose.ts`; convByGemm runs only where
 * the module does).
 */
export function convByGemm(
  scratch: WasmScratch,
  x: TensorInfo,
  filter: TensorInfo,
  conv: ForwardConv,
  outShape: number[],
): TensorInfo {
  const [kh, kw, inChannels, outChannels] = filter.shape as [number, number, number, number];
  const [batch, outHeight, outWidth] = outShape as [number, number, number, number];
  const pixels = batch * outHeight * outWidth;
  const rowsPerTap = kw * inChannels;
  const xP = widthPhaseMajor(scratch, x, conv.strides[1]);
  const colT = im2colTransposed(scratch, xP, x.shape, [outHeight, outWidth], conv, 0, batch * outHeight);
  scratch.free(xP);
  let sum: TensorInfo | undefined;
  for (let i = 0; i < kh; i++) {
    const wT = scratch.allocate([outChannels, rowsPerTap]);
    transposeOnHeap(
      scratch,
      filter,
      wT,
      matrixTranspose(rowsPerTap, outChannels),
      i * rowsPerTap * outChannels,
    );
    const cRows = scratch.allocate([1, rowsPerTap, pixels]);
    const { heap, offsetOf } = float32Heap(scratch.backend, cRows);
    const c0 = offsetOf(colT) + i * rowsPerTap * pixels;
    heap.copyWithin(offsetOf(cRows), c0, c0 + rowsPerTap * pixels);
    const part = scratch.run(
      'BatchMatMul',
      { a: { ...wT, shape: [1, outChannels, rowsPerTap] }, b: cRows },
      { transposeA: false, transposeB: false },
    );
    scratch.free(wT);
    scratch.free(cRows);
    sum = scratch.accumulate(sum, part);
  }
  scratch.free(colT);
  const y = transposeTensor(scratch, { ...sum!, shape: [outChannels, pixels] }, [1, 0]);
  return scratch.run('Reshape', { x: y }, { shape: outShape });
}

export const conv2dConfig: KernelConfig = {
  kernelName: Conv2D,
  backendName: 'wasm',
  kernelFunc: conv2d as unknown as KernelFunc,
};
