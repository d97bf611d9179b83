import type { TensorInfo } from '@tensorflow/tfjs-core';
import { float32Heap } from './heap.js';
import type { PhaseAxis, PhaseGroup } from './phase-geometry.js';
import type { WasmScratch } from './wasm-scratch.js';

/**
 * Depth-to-space with crop and zero phases: from the phase outputs of group pair `(gh, gw)`,
 * `p[gh][gw][n, qh, qw, rh - gh.first, rw - gw.first, c]`, it writes
 *
 *   dx[n, i, j, c] = p[gh][gw][n, qh, qw, rh - gh.first, rw - gw.first, c]
 *   where  i + rows.offset = qh*sh + rh,  j + cols.offset = qw*sw + rw
 *
 * and 0 for phases without taps. Copies runs of up to `gw.size * c` contiguous floats.
 */
export function interleavePhases(
  scratch: WasmScratch,
  p: TensorInfo[][],
  rows: PhaseAxis,
  cols: PhaseAxis,
  height: number,
  width: number,
): TensorInfo {
  const [batch, , , depth] = p[0]![0]!.shape as [number, number, number, number];
  const channels = depth / (rows.groups[0]!.size * cols.groups[0]!.size);
  const rowGroups = groupOfPhase(rows);
  const colGroups = groupOfPhase(cols);
  const dx = scratch.allocate([batch, height, width, channels]);
  const { heap, offsetOf } = float32Heap(scratch.backend, dx);
  const sources = p.map((row) => row.map(offsetOf));
  const rowLength = width * channels;
  const perQ = rows.count * cols.count;
  let dst = offsetOf(dx);
  for (let n = 0; n < batch; n++) {
    for (let i = 0; i < height; i++, dst += rowLength) {
      const qh = Math.floor((i + rows.offset) / rows.stride);
      const rh = i + rows.offset - qh * rows.stride;
      const gh = rowGroups[rh]!;
      if (gh < 0) {
        heap.fill(0, dst, dst + rowLength);
        continue;
      }
      const rowGroup = rows.groups[gh]!;
      let j = 0;
      while (j < width) {
        const qw = Math.floor((j + cols.offset) / cols.stride);
        const rw = j + cols.offset - qw * cols.stride;
        const gw = colGroups[rw]!;
        const at = dst + j * channels;
        if (gw < 0) {
          const run = Math.min(cols.stride - rw, width - j);
          heap.fill(0, at, at + run * channels);
          j += run;
          continue;
        }
        const colGroup = cols.groups[gw]!;
        const run = Math.min(colGroup.first + colGroup.size - rw, width - j);
        const block = rowGroup.size * colGroup.size * channels;
        const pixel = (n * perQ + qh * cols.count + qw) * block;
        const from =
          sources[gh]![gw]! +
          pixel +
          ((rh - rowGroup.first) * colGroup.size + rw - colGroup.first) * channels;
        heap.copyWithin(at, from, from + run * channels);
        j += run;
      }
    }
  }
  return dx;
}

/** For each phase `0 <= r < stride`, the index of its group, or -1 for phases without taps. */
function groupOfPhase(axis: PhaseAxis): Int32Array {
  const groups = new Int32Array(axis.stride).fill(-1);
  axis.groups.forEach((group: PhaseGroup, g) => {
    groups.fill(g, group.first, group.first + group.size);
  });
  return groups;
}
