import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { simdSupported } from './simd/simd-module.js';
import { seededValues, useWasmWithTrainingKernels, valuesOn } from './testing/compare-backends.js';
import { swapLayout, transposeTensor } from './transpose.js';
import { withScratch } from './wasm-scratch.js';

/** `x` transposed by `perm` on wasm through {@link transposeTensor}. */
function transposeOnWasm(values: Float32Array, shape: number[], perm: number[]): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor(values, shape);
    const backend = tf.backend() as BackendWasm;
    const info = withScratch(backend, (scratch) => transposeTensor(scratch, x, perm));
    const out = tf.engine().makeTensorFromTensorInfo(info);
    return out.dataSync() as Float32Array;
  });
}

describe('swapLayout', () => {
  it('reads [A, M, B] -> [B, M, A] swaps, merging runs of axes and setting aside axes of size 1', () => {
    expect(swapLayout([6, 5], [1, 0])).toEqual({
      batches: 1,
      rows: 6,
      cols: 5,
      srcBatch: 5,
      srcRow: 5,
      dstBatch: 6,
      dstRow: 6,
    });
    // NHWC -> CHWN: rows N, a middle of H·W, columns C
    expect(swapLayout([2, 3, 4, 5], [3, 1, 2, 0])).toEqual({
      batches: 12,
      rows: 2,
      cols: 5,
      srcBatch: 5,
      srcRow: 60,
      dstBatch: 2,
      dstRow: 24,
    });
    // widthPhaseMajor at stride 1: [B, Q, 1, C] -> [C, B, 1, Q] is [B·Q, C] -> [C, B·Q]
    expect(swapLayout([3, 7, 1, 5], [3, 0, 2, 1])).toMatchObject({ batches: 1, rows: 21, cols: 5 });
    expect(swapLayout([3, 7, 2, 5], [3, 0, 2, 1])).toBeUndefined();
    expect(swapLayout([2, 3, 4, 5], [1, 2, 0, 3])).toBeUndefined();
  });
});

describe('transposeTensor on wasm', () => {
  it('matches the cpu backend on odd and multiple-of-4 sizes, across column strips', async () => {
    await useWasmWithTrainingKernels();
    expect(simdSupported()).toBe(true);
    const cases: [number[], number[]][] = [
      [
        [1, 1],
        [1, 0],
      ],
      [
        [3, 5],
        [1, 0],
      ],
      [
        [8, 12],
        [1, 0],
      ],
      [
        [37, 131],
        [1, 0],
      ],
      [
        [130, 67],
        [1, 0],
      ],
      [
        [4, 9, 11, 21],
        [3, 1, 2, 0],
      ],
      [
        [2, 5, 6, 7],
        [3, 1, 2, 0],
      ],
      [
        [1, 6, 10, 21],
        [3, 1, 2, 0],
      ],
      [
        [6, 15, 1, 64],
        [3, 0, 2, 1],
      ],
      [
        [2, 3, 4, 5],
        [1, 2, 0, 3],
      ],
    ];
    for (const [shape, perm] of cases) {
      const size = shape.reduce((a, b) => a * b, 1);
      const values = seededValues(size, 7);
      const got = transposeOnWasm(values, shape, perm);
      const [want] = await valuesOn('cpu', () => [tf.transpose(tf.tensor(values, shape), perm)]);
      expect(Array.from(got), `${shape} by ${perm}`).toEqual(Array.from(want!));
    }
  });
});
