import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { ForwardConv } from './conv-geometry.js';
import { float32Heap } from './heap.js';
import { copyKernelPhases, phaseTranspose, shiftedOutputs, stridePhases } from './stride-phases.js';
import { transposeOnHeap } from './transpose.js';
import type { WasmScratch } from './wasm-scratch.js';

/**
 * dW as one matrix product over the input's stride phases, for filters much larger than their stride
 * (the FCN's 64x64, stride-32 upsampler). With the kernel taps split as `kh = a·s + r` (A = ⌈kh/s⌉
 * blocks of s phases per side) and `q = oh + a`:
 *
 *   dW[a_h·s_h + r_h, a_w·s_w + r_w, c, o] = Σ_{n, q} X[(r_h, r_w, c), (n, q_h, q_w)] · D[(n, q_h, q_w), (a_h, a_w, o)]
 *   X[(r_h, r_w, c), (n, q)] = x[n, q_h·s_h + r_h − top, q_w·s_w + r_w − left, c]   (0 outside x)
 *   D[(n, q), (a_h, a_w, o)] = dy[n, q_h − a_h, q_w − a_w, o]                          (0 outside dy)
 *
 * X is x zero-padded and laid out phase-major (one SIMD transpose per image and row phase), D is `dy`
 * copied A² times with shifts (small), and the product `[s²C, N·Q] x [N·Q, A²·O]` runs on XNNPACK's
 * fully-connected kernel, which packs only D. Against the dilated convolution (batch as channels:
 * at batch 1, one input channel and 150 taps, an inefficient shape for XNNPACK) it computes the
 * same products. Needs the SIMD module (its transposes).
 */
export function filterGradByPhaseGemm(
  scratch: WasmScratch,
  x: TensorInfo,
  dy: TensorInfo,
  { strides, filter, pads }: ForwardConv,
): TensorInfo {
  const { backend } = scratch;
  const [batch, height, width, channels] = x.shape as [number, number, number, number];
  const [, outHeight, outWidth, outChannels] = dy.shape as [number, number, number, number];
  const p = stridePhases(batch, strides, filter, [outHeight, outWidth]);
  const [paddedH, paddedW] = p.padded;
  const [kh, kw] = filter;

  // x padded: x[n, i, j] at [n, i + top, j + left] of [N, QH·sh, QW·sw, C] (rows past it are never read).
  const padded = scratch.allocate([batch, paddedH, paddedW, channels]);
  const phases = scratch.allocate([1, strides[0] * strides[1] * channels, p.columns]);
  const dW = scratch.allocate([kh, kw, channels, outChannels]);
  let { heap, offsetOf } = float32Heap(backend, padded);
  heap.fill(0, offsetOf(padded), offsetOf(padded) + batch * paddedH * paddedW * channels);
  const copyWidth = Math.min(width, paddedW - pads.left);
  for (let n = 0; n < batch && copyWidth > 0; n++) {
    for (let i = 0; i < height && i + pads.top < paddedH; i++) {
      const from = offsetOf(x) + (n * height + i) * width * channels;
      const to = offsetOf(padded) + ((n * paddedH + i + pads.top) * paddedW + pads.left) * channels;
      heap.copyWithin(to, from, from + copyWidth * channels);
    }
  }
  // X[(r_h, r_w, c), (n, q_h, q_w)]: one transpose per image and row phase.
  for (let n = 0; n < batch; n++) {
    for (let rh = 0; rh < strides[0]; rh++) {
      const { layout, paddedStart, phasesStart } = phaseTranspose(p, channels, n, rh, false);
      transposeOnHeap(scratch, padded, phases, layout, paddedStart, phasesStart);
    }
  }
  scratch.free(padded);
  const shifted = shiftedOutputs(scratch, dy, p);
  const product = scratch.run(
    'BatchMatMul',
    { a: phases, b: shifted },
    { transposeA: false, transposeB: false },
  );
  scratch.free(phases);
  scratch.free(shifted);
  // dW[a_h·sh + r_h, a_w·sw + r_w, c, o] = G[(r_h, r_w, c), (a_h, a_w, o)]
  ({ heap, offsetOf } = float32Heap(backend, product));
  heap.fill(0, offsetOf(dW), offsetOf(dW) + kh * kw * channels * outChannels);
  copyKernelPhases(backend, heap, p, channels, outChannels, offsetOf(dW), offsetOf(product), false);
  scratch.free(product);
  return dW;
}
