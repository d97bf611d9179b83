import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { ForwardConv } from './conv-geometry.js';
import { float32Heap } from './heap.js';
import { copyKernelPhases, phaseTranspose, shiftedOutputs, stridePhases } from './stride-phases.js';
import { transposeOnHeap, transposeTensor } from './transpose.js';
import type { WasmScratch } from './wasm-scratch.js';

/**
 * dX of a convolution with a filter much larger than its stride — the forward pass of the FCN's
 * 64x64, stride-32 transposed convolution — as one matrix product over the stride phases, the
 * filter being the operand XNNPACK does not repack. With `kh = a·s + r` (A = ⌈kh/s⌉) and `q = oh + a`,
 * the padded dX at `(q_h·s_h + r_h, q_w·s_w + r_w)` is
 *
 *   P[(r_h, r_w, c), (n, q_h, q_w)] = Σ_{(a_h, a_w, o)} Wp[(r_h, r_w, c), (a_h, a_w, o)] · Dᵀ[(a_h, a_w, o), (n, q_h, q_w)]
 *   Wp[(r_h, r_w, c), (a_h, a_w, o)] = W[a_h·s_h + r_h, a_w·s_w + r_w, c, o]   (0 past the kernel)
 *
 * with D and the layouts from `stride-phases.ts`; one SIMD transpose per image and row phase puts P in place, and dX is
 * its crop by the padding. Needs the SIMD module (its transposes).
 */
export function inputGradByPhaseGemm(
  scratch: WasmScratch,
  dy: TensorInfo,
  filter: TensorInfo,
  inputShape: [number, number, number, number],
  { strides, pads }: ForwardConv,
): TensorInfo {
  const { backend } = scratch;
  const [batch, height, width, channels] = inputShape;
  const [, outHeight, outWidth, outChannels] = dy.shape as [number, number, number, number];
  const [kh, kw] = filter.shape as [number, number, number, number];
  const p = stridePhases(batch, strides, [kh, kw], [outHeight, outWidth]);
  const [paddedH, paddedW] = p.padded;
  const phaseRows = strides[0] * strides[1] * channels;

  const shifted = shiftedOutputs(scratch, dy, p);
  const shiftedT = transposeTensor(
    scratch,
    { ...shifted, shape: [p.columns, p.shifts * outChannels] },
    [1, 0],
  );
  scratch.free(shifted);
  const weights = scratch.allocate([1, phaseRows, p.shifts * outChannels]);
  let { heap, offsetOf } = float32Heap(backend, weights);
  heap.fill(0, offsetOf(weights), offsetOf(weights) + phaseRows * p.shifts * outChannels);
  copyKernelPhases(backend, heap, p, channels, outChannels, offsetOf(filter), offsetOf(weights), true);
  const product = scratch.run(
    'BatchMatMul',
    { a: weights, b: { ...shiftedT, shape: [1, p.shifts * outChannels, p.columns] } },
    { transposeA: false, transposeB: false },
  );
  scratch.free(weights);
  scratch.free(shiftedT);
  // P[(r_h, r_w, c), (n, q_h, q_w)] -> padded dX[n, q_h·sh + r_h, q_w·sw + r_w, c]: every element written.
  const padded = scratch.allocate([batch, paddedH, paddedW, channels]);
  for (let n = 0; n < batch; n++) {
    for (let rh = 0; rh < strides[0]; rh++) {
      const { layout, paddedStart, phasesStart } = phaseTranspose(p, channels, n, rh, true);
      transposeOnHeap(scratch, product, padded, layout, phasesStart, paddedStart);
    }
  }
  scratch.free(product);
  // dX = the padded result cropped by (top, left); rows and columns past it had no tap (zeros).
  const dx = scratch.allocate(inputShape);
  ({ heap, offsetOf } = float32Heap(backend, dx));
  const rowFloats = width * channels;
  const copyFloats = Math.max(0, Math.min(width, paddedW - pads.left)) * channels;
  for (let n = 0; n < batch; n++) {
    for (let i = 0; i < height; i++) {
      const to = offsetOf(dx) + (n * height + i) * rowFloats;
      const row = i + pads.top;
      if (row >= paddedH) {
        heap.fill(0, to, to + rowFloats);
        continue;
      }
      const from = offsetOf(padded) + ((n * paddedH + row) * paddedW + pads.left) * channels;
      heap.copyWithin(to, from, from + copyFloats);
      heap.fill(0, to + copyFloats, to + rowFloats);
    }
  }
  return dx;
}
