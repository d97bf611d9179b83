import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  relativeError,
  seededValues,
  useWasmWithTrainingKernels,
  valuesOn,
} from './testing/compare-backends.js';
import { mergeUntiledAxes, tileConfig } from './tile.js';

const cases: { shape: number[]; reps: number[]; dtype?: 'int32' | 'bool' }[] = [
  { shape: [1, 1, 1, 5], reps: [2, 3, 4, 1] },
  { shape: [2, 3], reps: [3, 2] },
  { shape: [3, 1, 2], reps: [1, 4, 3] },
  { shape: [2, 1, 3, 1], reps: [2, 5, 1, 3] },
  { shape: [4], reps: [1] },
  { shape: [2, 3], reps: [1, 1] },
  { shape: [2, 2, 3], reps: [2, 1, 2], dtype: 'int32' },
  { shape: [3, 2], reps: [2, 3], dtype: 'bool' },
];

describe('Tile on wasm', () => {
  beforeAll(useWasmWithTrainingKernels);

  it('replaces the shipped kernel', () => {
    expect(tf.getKernel('Tile', 'wasm')?.kernelFunc).toBe(tileConfig.kernelFunc);
  });

  it('merges axes tiled once into the axis outside them', () => {
    expect(mergeUntiledAxes([1, 1, 1, 64], [4, 160, 240, 1])).toEqual({
      sizes: [1, 1, 64],
      reps: [4, 160, 240],
    });
    expect(mergeUntiledAxes([2, 3], [1, 1])).toEqual({ sizes: [6], reps: [1] });
    expect(mergeUntiledAxes([1, 1], [1, 1])).toEqual({ sizes: [1], reps: [1] });
  });

  it.each(cases)('matches cpu: $shape tiled $reps ($dtype)', async ({ shape, reps, dtype }) => {
    const values = seededValues(tf.util.sizeFromShape(shape), 7).map((v) => Math.round(v * 10));
    const compute = () => {
      const x = dtype === 'bool' ? tf.greater(tf.tensor(values, shape), 0) : tf.tensor(values, shape, dtype);
      return [tf.cast(tf.tile(x, reps), 'float32')];
    };
    const [expected] = await valuesOn('cpu', compute);
    const [actual] = await valuesOn('wasm', compute);
    expect(expected!.length).toBe(tf.util.sizeFromShape(shape.map((s, i) => s * reps[i]!)));
    expect(relativeError(actual!, expected!)).toBe(0);
  });
});
