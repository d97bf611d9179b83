import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { type ForwardConv, resolveForwardConv } from './conv-geometry.js';
import { conv2dExplicit } from './conv2d-explicit.js';
import { inputGradByGemm, inputGradGemmCostNs, prefersGemm } from './input-grad-gemm.js';
import { inputGradByPhaseGemm } from './input-grad-phase-gemm.js';
import { type PhaseAxis, phaseAxis } from './phase-geometry.js';
import { interleavePhases } from './phase-interleave.js';
import { simdSupported } from './simd/simd-module.js';
import { subPixelFilter } from './sub-pixel-filter.js';
import { type WasmScratch, withScratch } from './wasm-scratch.js';
import { convByWinograd, prefersWinograd, winogradCostNs, winogradPlan } from './winograd-conv.js';

/**
 * `Conv2DBackpropInput` for the wasm backend — dX of `y = conv2d(x, W)`, and the forward pass of
 * `conv2dTranspose` — on XNNPACK, by sub-pixel decomposition (see `phase-geometry.ts`): for each
 * group of phases sharing a tap count (one group when the kernel is a multiple of the stride, at
 * most four otherwise), one stride-1 convolution of `dy` with the flipped, phase-split filter
 * (`sub-pixel-filter.ts`) yields those phases as blocks of output channels, and a depth-to-space
 * with crop (`phase-interleave.ts`) places them. Unlike convolving a zero-inserted `dy`, no
 * multiply touches an inserted zero. At stride 1 it is the plain convolution with the flipped,
 * in/out-swapped filter and needs no interleave. A stride-1 convolution whose filter is much larger
 * than `dy` goes another way: one matrix product with the filter as the operand XNNPACK does not
 * repack (`input-grad-gemm.ts`); so does a filter of more than 64 taps that is large next to dX,
 * over its stride phases (`input-grad-phase-gemm.ts`, {@link prefersPhaseGemm}).
 */
export function conv2dBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DBackpropInputAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const [, height, width] = attrs.inputShape;
  const [, outHeight, outWidth] = dy.shape as [number, number, number, number];
  const {
    strides,
    filter: kernel,
    pads,
  } = resolveForwardConv(
    Conv2DBackpropInput,
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    dy.shape,
    attrs,
  );
  const conv = { strides, filter: kernel, pads };
  const dyPixels = dy.shape[0]! * outHeight * outWidth;
  if (prefersWinogradInputGrad(conv, filter.shape, attrs.inputShape, dyPixels) && dy.dtype === 'float32') {
    const dxPads = { top: kernel[0] - 1 - pads.top, left: kernel[1] - 1 - pads.left };
    return withScratch(backend, (scratch) =>
      convByWinograd(scratch, dy, { filter, flipped: true }, dxPads, [1, 1], attrs.inputShape, false),
    );
  }
  if (prefersGemm(conv, dyPixels, attrs.inputShape[3])) {
    return withScratch(backend, (scratch) => inputGradByGemm(scratch, dy, filter, attrs.inputShape, conv));
  }
  if (prefersPhaseGemm(kernel, filter.shape, attrs.inputShape)) {
    return withScratch(backend, (scratch) =>
      inputGradByPhaseGemm(scratch, dy, filter, attrs.inputShape, conv),
    );
  }
  const rows = phaseAxis(height, outHeight, kernel[0], strides[0], pads.top);
  const cols = phaseAxis(width, outWidth, kernel[1], strides[1], pads.left);
  return withScratch(backend, (scratch) => {
    const phases = phaseConvolutions(scratch, dy, filter, strides, rows, cols);
    if (strides[0] === 1 && strides[1] === 1) return phases[0]![0]!;
    return interleavePhases(scratch, phases, rows, cols, height, width);
  });
}

/**
 * Whether dX of a 3x3 stride-1 convolution goes straight to {@link convByWinograd} with the filter
 * flipped there, its products packing the input's transform (the flip is then a copy of the taps in
 * reverse order, where the sub-pixel route transposes the filter's channels and Winograd transposes
 * them back): where {@link prefersWinograd} takes the convolution from W's output channels to its
 * input channels with a new filter, {@link winogradPlan} packs the input, the SIMD module runs, and,
 * where {@link inputGradByGemm} is a candidate ({@link prefersGemm}), Winograd's estimated time is the
 * smaller (`xnnpack-costs.ts`; the filter transform and the taps' copy are fixed costs that the GEMM
 * does without). ResNet-18's layer4 at 320x480, A/B on 2 threads: the GEMM stays at batch 1 (19.0
 * against 25.4 ms); Winograd from batch 2 (34.5 -> 31.8 ms) and at batch 4 (74.8 -> 44.2 to 50.1).
 */
export function prefersWinogradInputGrad(
  conv: ForwardConv,
  filterShape: number[],
  inputShape: [number, number, number, number],
  dyPixels: number,
): boolean {
  const [kh, kw, inChannels, outChannels] = filterShape as [number, number, number, number];
  const stride1 = conv.strides[0] === 1 && conv.strides[1] === 1;
  const pixels = inputShape[0] * inputShape[1] * inputShape[2];
  if (!stride1 || !simdSupported()) return false;
  if (!prefersWinograd([kh, kw, outChannels, inChannels], [1, 1], pixels, false, true)) return false;
  const plan = winogradPlan(inputShape, [1, 1], outChannels, inChannels, false, { flipped: true });
  if (plan.packs !== 'input') return false;
  if (!prefersGemm(conv, dyPixels, inChannels)) return true;
  const winograd = winogradCostNs(plan, inputShape, [1, 1], outChannels, inChannels, true);
  return winograd < inputGradGemmCostNs(conv, dyPixels, inputShape, outChannels);
}

/**
 * Whether dX goes by {@link inputGradByPhaseGemm}: a filter of more than 64 taps (the FCN upsampler)
 * whose weights are at least 2/5 of dX's size, so that XNNPACK's repacking of the phase filter (about
 * 10 ns a weight, every call with new weights) outweighs the product's larger output (its columns are
 * all of dX's stride phases); needs the SIMD module. The FCN's 64x64, stride-32 upsampler at 320x480
 * (1.8 M weights), A/B on 2 threads: 39.4 -> 32.1 ms at batch 1 (3.2 M outputs), but 44.2 -> 47.0 at
 * batch 2 and 93.4 -> 104.6 at batch 4.
 */
export function prefersPhaseGemm(
  kernel: [number, number],
  filterShape: number[],
  inputShape: [number, number, number, number],
): boolean {
  const weights = filterShape.reduce((a, b) => a * b, 1);
  const outputs = inputShape.reduce((a, b) => a * b, 1);
  return kernel[0] * kernel[1] > 64 && weights * 5 >= outputs * 2 && simdSupported();
}

/** One stride-1 XNNPACK convolution per (row group, column group) of phases. */
export function phaseConvolutions(
  scratch: WasmScratch,
  dy: TensorInfo,
  filter: TensorInfo,
  strides: [number, number],
  rows: PhaseAxis,
  cols: PhaseAxis,
): TensorInfo[][] {
  return rows.groups.map((rowGroup) =>
    cols.groups.map((colGroup) => {
      const phaseFilter = subPixelFilter(scratch, filter, strides, rowGroup, colGroup);
      const out = conv2dExplicit(scratch, dy, phaseFilter, {
        strides: [1, 1],
        dilations: [1, 1],
        pads: {
          top: rowGroup.padBefore,
          bottom: rowGroup.padAfter,
          left: colGroup.padBefore,
          right: colGroup.padAfter,
        },
      });
      scratch.free(phaseFilter);
      return out;
    }),
  );
}

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
};
