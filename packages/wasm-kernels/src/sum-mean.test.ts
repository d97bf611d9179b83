import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { axisBlock } from './block-reduction.js';
import { meanConfig } from './mean.js';
import { sumConfig } from './sum.js';
import {
  relativeError,
  seededValues,
  useWasmWithTrainingKernels,
  valuesOn,
} from './testing/compare-backends.js';

const cases: { shape: number[]; axis?: number | number[]; keepDims: boolean }[] = [
  { shape: [2, 5, 6, 3], axis: [0, 1, 2], keepDims: false },
  { shape: [2, 5, 6, 3], axis: [0, 1, 2], keepDims: true },
  { shape: [2, 5, 6, 3], axis: [1, 2], keepDims: false },
  { shape: [3, 4, 5], axis: 1, keepDims: true },
  { shape: [3, 4, 5], axis: [2], keepDims: false },
  { shape: [2, 3, 4], axis: [0, 2], keepDims: false },
  { shape: [4, 6], keepDims: false },
  { shape: [1, 7, 3], axis: [0], keepDims: false },
];

describe('Sum and Mean on wasm', () => {
  beforeAll(useWasmWithTrainingKernels);

  it('replace the shipped kernels', () => {
    expect(tf.getKernel('Sum', 'wasm')?.kernelFunc).toBe(sumConfig.kernelFunc);
    expect(tf.getKernel('Mean', 'wasm')?.kernelFunc).toBe(meanConfig.kernelFunc);
  });

  it('pools only a contiguous, non-innermost block of at least 2 elements', () => {
    expect(axisBlock([4, 160, 240, 64], [2, 0, 1])).toEqual({
      outer: 1,
      reduced: 153600,
      inner: 64,
      axes: [0, 1, 2],
    });
    expect(axisBlock([4, 5, 6, 7], [1, 2])).toEqual({ outer: 4, reduced: 30, inner: 7, axes: [1, 2] });
    expect(axisBlock([4, 5, 6], [2])).toBeUndefined();
    expect(axisBlock([4, 5, 6], [0, 2])).toBeUndefined();
    expect(axisBlock([1, 5, 6], [0])).toBeUndefined();
  });

  it.each(cases)('match cpu: $shape over $axis (keepDims $keepDims)', async ({ shape, axis, keepDims }) => {
    const values = seededValues(tf.util.sizeFromShape(shape), 31);
    const compute = () => {
      const x = tf.tensor(values, shape);
      const ints = tf.tensor(
        values.map((v) => Math.round(v * 10)),
        shape,
        'int32',
      );
      return [
        tf.sum(x, axis, keepDims),
        tf.mean(x, axis, keepDims),
        tf.cast(tf.sum(ints, axis, keepDims), 'float32'),
      ];
    };
    const expected = await valuesOn('cpu', compute);
    const actual = await valuesOn('wasm', compute);
    for (const [i, result] of actual.entries())
      expect(relativeError(result, expected[i]!), `output ${i}`).toBeLessThan(1e-5);
  });

  it('keeps the keepDims shape', () => {
    expect(tf.sum(tf.ones([2, 3, 4, 5]), [0, 1, 2], true).shape).toEqual([1, 1, 1, 5]);
    expect(tf.mean(tf.ones([2, 3, 4, 5]), [1, 2]).shape).toEqual([2, 5]);
  });
});
