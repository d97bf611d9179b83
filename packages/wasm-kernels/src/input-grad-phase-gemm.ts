import type { TensorInfo } from '@tensorflow/tfjs-core';
import { addRuns } from './add-runs.js';
import type { ForwardConv } from './conv-geometry.js';
import { float32Heap } from './heap.js';
import { shiftedOutputs } from './phase-shifts.js';
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
 * with D from `phase-shifts.ts`; one SIMD transpose per image and row phase puts P in place, and dX is
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
  const [sh, sw] = strides;
  const [ah, aw] = [Math.ceil(kh / sh), Math.ceil(kw / sw)];
  const [qh, qw] = [outHeight + ah - 1, outWidth + aw - 1];
  const [paddedH, paddedW] = [qh * sh, qw * sw];
  const columns = batch * qh * qw;
  const shifts = ah * aw;

  const shifted = shiftedOutputs(scratch, dy, [ah, aw]);
  const shiftedT = transposeTensor(scratch, { ...shifted, shape: [columns, shifts * outChannels] }, [1, 0]);
  scratch.free(shifted);
  // Wp: for each block (a_h, a_w) and row phase r_h, the kernel row's runs of O floats.
  const weights = scratch.allocate([1, sh * sw * channels, shifts * outChannels]);
  let { heap, offsetOf } = float32Heap(backend, weights);
  heap.fill(0, offsetOf(weights), offsetOf(weights) + sh * sw * channels * shifts * outChannels);
  for (let a = 0; a < shifts; a++) {
    const [blockH, blockW] = [Math.floor(a / aw), a % aw];
    const phasesW = Math.min(sw, kw - blockW * sw);
    for (let rh = 0; rh < sh && blockH * sh + rh < kh; rh++) {
      addRuns(
        backend,
        heap,
        offsetOf(filter) + ((blockH * sh + rh) * kw + blockW * sw) * channels * outChannels,
        offsetOf(weights) + rh * sw * channels * shifts * outChannels + a * outChannels,
        {
          outer: 1,
          outerSrc: 0,
          outerDst: 0,
          runs: phasesW * channels,
          runSrc: outChannels,
          runDst: shifts * outChannels,
          length: outChannels,
          step: 1,
        },
      );
    }
  }
  const product = scratch.run(
    'BatchMatMul',
    { a: weights, b: { ...shiftedT, shape: [1, shifts * outChannels, columns] } },
    { transposeA: false, transposeB: false },
  );
  scratch.free(weights);
  scratch.free(shiftedT);
  // P[(r_h, r_w, c), (n, q_h, q_w)] -> padded dX[n, q_h·sh + r_h, q_w·sw + r_w, c]
  const padded = scratch.allocate([batch, paddedH, paddedW, channels]);
  for (let n = 0; n < batch; n++) {
    for (let rh = 0; rh < sh; rh++) {
      transposeOnHeap(
        scratch,
        product,
        padded,
        {
          batches: qh,
          rows: sw * channels,
          cols: qw,
          srcBatch: qw,
          srcRow: columns,
          dstBatch: sh * paddedW * channels,
          dstRow: sw * channels,
        },
        rh * sw * channels * columns + n * qh * qw,
        (n * paddedH + rh) * paddedW * channels,
      );
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
