import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxPoolGradConfig } from './max-pool-grad.js';
import {
  relativeError,
  seededValues,
  useWasmWithTrainingKernels,
  valuesOn,
} from './testing/compare-backends.js';

type Pad = number | 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

interface PoolCase {
  x: [number, number, number, number];
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: Pad;
  /** Apply relu first: many windows of equal zeros (ties) and all-zero windows. */
  relu?: boolean;
}

const cases: PoolCase[] = [
  { x: [2, 9, 8, 3], filterSize: 3, strides: 2, pad: 1 },
  { x: [2, 9, 8, 3], filterSize: 3, strides: 2, pad: 1, relu: true },
  {
    x: [1, 8, 10, 4],
    filterSize: 3,
    strides: 2,
    pad: [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
    relu: true,
  },
  { x: [2, 7, 7, 2], filterSize: 2, strides: 2, pad: 'valid' },
  { x: [1, 7, 6, 3], filterSize: [3, 2], strides: [1, 2], pad: 'same' },
  { x: [1, 6, 6, 2], filterSize: 3, strides: 1, pad: 0 },
  // Channels a multiple of 4: the SIMD kernel's 4-lane path (the others take its 1-lane path).
  { x: [2, 9, 8, 8], filterSize: 3, strides: 2, pad: 1 },
  { x: [2, 9, 8, 8], filterSize: 3, strides: 2, pad: 1, relu: true },
  { x: [1, 7, 6, 12], filterSize: [3, 2], strides: [1, 2], pad: 'same' },
];

describe('MaxPoolGrad on wasm', () => {
  beforeAll(useWasmWithTrainingKernels);

  it('replaces the shipped kernel', () => {
    expect(tf.getKernel('MaxPoolGrad', 'wasm')?.kernelFunc).toBe(maxPoolGradConfig.kernelFunc);
  });

  it.each(cases)(
    'matches cpu: x $x, filter $filterSize, strides $strides, pad $pad, relu $relu',
    async (c) => {
      const xValues = seededValues(tf.util.sizeFromShape(c.x), 5);
      const compute = () => {
        const x = tf.tensor4d(xValues, c.x);
        const input = c.relu ? tf.relu(x) : x;
        const pooled = (v: tf.Tensor4D) => tf.maxPool(v, c.filterSize, c.strides, c.pad as 'same');
        const dyValues = seededValues(pooled(input).size, 6);
        const dy = tf.tensor(dyValues, pooled(input).shape);
        const [dx] = tf.grads((v: tf.Tensor) => tf.mul(pooled(v as tf.Tensor4D), dy))([input]);
        return [dx!];
      };
      const [expected] = await valuesOn('cpu', compute);
      const [actual] = await valuesOn('wasm', compute);
      expect(relativeError(actual!, expected!)).toBeLessThan(1e-4);
    },
  );
});
