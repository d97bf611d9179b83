import type { TensorInfo } from '@tensorflow/tfjs-core';
import { addRuns } from './add-runs.js';
import { float32Heap } from './heap.js';
import type { WasmScratch } from './wasm-scratch.js';

/**
 * `dy` [N, OH, OW, O] shifted by every kernel block (a_h, a_w) < `blocks` and laid side by side, the
 * right operand of the phase GEMMs (`filter-grad-phase-gemm.ts`, `input-grad-phase-gemm.ts`):
 *
 *   D[(n, q_h, q_w), (a_h, a_w, o)] = dy[n, q_h − a_h, q_w − a_w, o]   (0 outside dy)
 *
 * shaped `[1, N·QH·QW, A_h·A_w·O]` with QH = OH + A_h − 1, QW = OW + A_w − 1.
 */
export function shiftedOutputs(scratch: WasmScratch, dy: TensorInfo, [ah, aw]: [number, number]): TensorInfo {
  const [batch, outHeight, outWidth, outChannels] = dy.shape as [number, number, number, number];
  const [qh, qw] = [outHeight + ah - 1, outWidth + aw - 1];
  const shifts = ah * aw;
  const shifted = scratch.allocate([1, batch * qh * qw, shifts * outChannels]);
  const { heap, offsetOf } = float32Heap(scratch.backend, shifted);
  heap.fill(0, offsetOf(shifted), offsetOf(shifted) + batch * qh * qw * shifts * outChannels);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let a = 0; a < shifts; a++) {
        const [blockH, blockW] = [Math.floor(a / aw), a % aw];
        const firstRow = (n * qh + oh + blockH) * qw + blockW;
        addRuns(
          scratch.backend,
          heap,
          offsetOf(dy) + (n * outHeight + oh) * outWidth * outChannels,
          offsetOf(shifted) + firstRow * shifts * outChannels + a * outChannels,
          {
            outer: 1,
            outerSrc: 0,
            outerDst: 0,
            runs: outWidth,
            runSrc: outChannels,
            runDst: shifts * outChannels,
            length: outChannels,
            step: 1,
          },
        );
      }
    }
  }
  return shifted;
}
