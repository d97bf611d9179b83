import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { addRuns } from './add-runs.js';
import { float32Heap } from './heap.js';
import type { TransposeLayout } from './transpose.js';
import type { WasmScratch } from './wasm-scratch.js';

/**
 * The shared geometry of the phase GEMMs (`filter-grad-phase-gemm.ts`, `input-grad-phase-gemm.ts`): a
 * convolution with strides (s_h, s_w) and a kh x kw kernel split as `k = a·s + r` into A_h x A_w blocks of
 * s phases per side, its output [N, OH, OW] widened to Q = OH + A − 1 block positions per side, and the
 * input zero-padded to [N, QH·s_h, QW·s_w] (`top`/`left` rows and columns before it).
 */
export interface StridePhases {
  batch: number;
  strides: [number, number];
  kernel: [number, number];
  /** Kernel blocks per side (A_h, A_w). */
  blocks: [number, number];
  /** Block positions per side (QH, QW). */
  positions: [number, number];
  /** The padded input's height and width (QH·s_h, QW·s_w). */
  padded: [number, number];
  /** N·QH·QW: the products' columns (or rows). */
  columns: number;
  /** A_h·A_w. */
  shifts: number;
}

export function stridePhases(
  batch: number,
  strides: [number, number],
  kernel: [number, number],
  outSize: [number, number],
): StridePhases {
  const blocks: [number, number] = [Math.ceil(kernel[0] / strides[0]), Math.ceil(kernel[1] / strides[1])];
  const positions: [number, number] = [outSize[0] + blocks[0] - 1, outSize[1] + blocks[1] - 1];
  return {
    batch,
    strides,
    kernel,
    blocks,
    positions,
    padded: [positions[0] * strides[0], positions[1] * strides[1]],
    columns: batch * positions[0] * positions[1],
    shifts: blocks[0] * blocks[1],
  };
}

/**
 * For image n and row phase r_h, the transpose between the padded input [N, QH·s_h, QW·s_w, C] and the
 * phase-major matrix [(r_h, r_w, c), (n, q_h, q_w)] (padded -> phases; `transposeOnHeap` with the
 * returned starts), a batch over q_h of [QW, s_w·C] blocks. `inverse` gives phases -> padded.
 */
export function phaseTranspose(
  p: StridePhases,
  channels: number,
  n: number,
  rh: number,
  inverse: boolean,
): { layout: TransposeLayout; paddedStart: number; phasesStart: number } {
  const [sh, sw] = p.strides;
  const [qh, qw] = p.positions;
  const [paddedH, paddedW] = p.padded;
  const layout: TransposeLayout = inverse
    ? {
        batches: qh,
        rows: sw * channels,
        cols: qw,
        srcBatch: qw,
        srcRow: p.columns,
        dstBatch: sh * paddedW * channels,
        dstRow: sw * channels,
      }
    : {
        batches: qh,
        rows: qw,
        cols: sw * channels,
        srcBatch: sh * paddedW * channels,
        srcRow: sw * channels,
        dstBatch: qw,
        dstRow: p.columns,
      };
  return {
    layout,
    paddedStart: (n * paddedH + rh) * paddedW * channels,
    phasesStart: rh * sw * channels * p.columns + n * qh * qw,
  };
}

/**
 * Copies between an HWIO filter [kh, kw, C, O] at element `filter` and its phase matrix
 * [(r_h, r_w, c), (a_h, a_w, o)] at element `phases` (runs of O floats; taps past the kernel are not
 * touched): `toPhases` filter -> phases, else phases -> filter. The destination must be zeroed (the
 * copy adds).
 */
export function copyKernelPhases(
  backend: BackendWasm,
  heap: Float32Array,
  p: StridePhases,
  channels: number,
  outChannels: number,
  filter: number,
  phases: number,
  toPhases: boolean,
): void {
  const [sh, sw] = p.strides;
  const [kh, kw] = p.kernel;
  const aw = p.blocks[1];
  const phaseRow = p.shifts * outChannels;
  for (let a = 0; a < p.shifts; a++) {
    const [blockH, blockW] = [Math.floor(a / aw), a % aw];
    const phasesW = Math.min(sw, kw - blockW * sw);
    for (let rh = 0; rh < sh && blockH * sh + rh < kh; rh++) {
      const filterAt = filter + ((blockH * sh + rh) * kw + blockW * sw) * channels * outChannels;
      const phasesAt = phases + rh * sw * channels * phaseRow + a * outChannels;
      const run = {
        outer: 1,
        outerSrc: 0,
        outerDst: 0,
        runs: phasesW * channels,
        length: outChannels,
        step: 1,
      };
      if (toPhases)
        addRuns(backend, heap, filterAt, phasesAt, { ...run, runSrc: outChannels, runDst: phaseRow });
      else addRuns(backend, heap, phasesAt, filterAt, { ...run, runSrc: phaseRow, runDst: outChannels });
    }
  }
}

/**
 * `dy` [N, OH, OW, O] shifted by every kernel block (a_h, a_w) and laid side by side, the right
 * operand of the phase GEMMs:
 *
 *   D[(n, q_h, q_w), (a_h, a_w, o)] = dy[n, q_h − a_h, q_w − a_w, o]   (0 outside dy)
 *
 * shaped `[1, N·QH·QW, A_h·A_w·O]`.
 */
export function shiftedOutputs(scratch: WasmScratch, dy: TensorInfo, p: StridePhases): TensorInfo {
  const [batch, outHeight, outWidth, outChannels] = dy.shape as [number, number, number, number];
  const [qh, qw] = p.positions;
  const aw = p.blocks[1];
  const shifted = scratch.allocate([1, p.columns, p.shifts * outChannels]);
  const { heap, offsetOf } = float32Heap(scratch.backend, shifted);
  heap.fill(0, offsetOf(shifted), offsetOf(shifted) + p.columns * p.shifts * outChannels);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let a = 0; a < p.shifts; a++) {
        const firstRow = (n * qh + oh + Math.floor(a / aw)) * qw + (a % aw);
        addRuns(
          scratch.backend,
          heap,
          offsetOf(dy) + (n * outHeight + oh) * outWidth * outChannels,
          offsetOf(shifted) + firstRow * p.shifts * outChannels + a * outChannels,
          {
            outer: 1,
            outerSrc: 0,
            outerDst: 0,
            runs: outWidth,
            runSrc: outChannels,
            runDst: p.shifts * outChannels,
            length: outChannels,
            step: 1,
          },
        );
      }
    }
  }
  return shifted;
}
