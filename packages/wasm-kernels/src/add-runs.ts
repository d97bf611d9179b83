import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdKernels, simdSupported } from './simd/simd-module.js';

/**
 * A strided scatter-add in element strides: for o < outer, r < runs, k < length,
 * `heap[dst + o·outerDst + r·runDst + k·step] += heap[src + o·outerSrc + r·runSrc + k]`.
 */
export interface AddRuns {
  outer: number;
  outerSrc: number;
  outerDst: number;
  runs: number;
  runSrc: number;
  runDst: number;
  length: number;
  step: number;
}

/**
 * Runs `a` from element offset `src` to `dst` of `heap` (the backend's heap as float32): on the SIMD
 * module's `add_runs` (`simd/add-runs-code.ts`) where it runs, else in JavaScript.
 */
export function addRuns(
  backend: BackendWasm,
  heap: Float32Array,
  src: number,
  dst: number,
  a: AddRuns,
): void {
  if (simdSupported()) {
    const bytes = Float32Array.BYTES_PER_ELEMENT;
    simdKernels(backend).add_runs(
      src * bytes,
      dst * bytes,
      a.outer,
      a.outerSrc,
      a.outerDst,
      a.runs,
      a.runSrc,
      a.runDst,
      a.length,
      a.step,
    );
    return;
  }
  for (let o = 0; o < a.outer; o++) {
    for (let r = 0; r < a.runs; r++) {
      let from = src + o * a.outerSrc + r * a.runSrc;
      let to = dst + o * a.outerDst + r * a.runDst;
      for (let k = 0; k < a.length; k++, to += a.step) heap[to]! += heap[from++]!;
    }
  }
}
