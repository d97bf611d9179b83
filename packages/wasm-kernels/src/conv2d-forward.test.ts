import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv2dConfig, prefersGemmForward } from './conv2d-forward.js';
import {
  type ExplicitPad,
  explicitPad,
  relativeError,
  seededValues,
  useWasmWithTrainingKernels,
  valuesOn,
} from './testing/compare-backends.js';
import { prefersWinograd } from './winograd-conv.js';

interface ForwardCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: number | 'same' | 'valid' | ExplicitPad;
}

/** Large filters and small outputs: the matrix-product route on a filter's first use. */
const cases: ForwardCase[] = [
  { x: [1, 3, 4, 128], filter: [3, 3, 128, 32], strides: 1, pad: 1 },
  { x: [2, 2, 3, 128], filter: [3, 3, 128, 40], strides: 1, pad: explicitPad(2, 0, 1, 1) },
  { x: [1, 5, 6, 128], filter: [3, 3, 128, 24], strides: 2, pad: 1 },
  { x: [1, 5, 7, 120], filter: [3, 3, 120, 48], strides: [2, 1], pad: 'same' },
  { x: [1, 4, 4, 256], filter: [2, 2, 256, 24], strides: 1, pad: 'valid' },
];

describe('Conv2D on wasm', () => {
  beforeAll(useWasmWithTrainingKernels);

  it('replaces the shipped kernel', () => {
    expect(tf.getKernel('Conv2D', 'wasm')?.kernelFunc).toBe(conv2dConfig.kernelFunc);
  });

  it('takes the matrix product for a large filter and a small output only', () => {
    expect(prefersGemmForward([3, 3, 256, 512], 150, [1, 1])).toBe(true); // ResNet-18 layer4.0 (stride 2), batch 1
    expect(prefersGemmForward([3, 3, 512, 512], 150, [1, 1])).toBe(true); // layer4, batch 1: Winograd's first
    expect(prefersWinograd([3, 3, 512, 512], [1, 1], 150, false)).toBe(true);
    expect(prefersGemmForward([3, 3, 512, 512], 600, [1, 1])).toBe(false); // batch 4
    expect(prefersGemmForward([3, 3, 64, 64], 9600, [1, 1])).toBe(false); // layer1
    expect(prefersGemmForward([3, 3, 512, 512], 150, [2, 2])).toBe(false); // dilated
    expect(prefersGemmForward([7, 7, 512, 512], 150, [1, 1])).toBe(false);
  });

  it('routes every case below to the matrix product on first use', () => {
    for (const c of cases) {
      const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad);
      const pixels = info.batchSize * info.outHeight * info.outWidth;
      const strides: [number, number] = [info.strideHeight, info.strideWidth];
      expect(prefersWinograd(c.filter, strides, pixels, false), `${c.x} ${c.filter}: Winograd`).toBe(false);
      expect(prefersGemmForward(c.filter, pixels, [1, 1]), `${c.x} ${c.filter}`).toBe(true);
    }
  });

  it.each(cases)(
    'matches cpu, first use and again: x $x, filter $filter, strides $strides, pad $pad',
    async (c) => {
      const xValues = seededValues(tf.util.sizeFromShape(c.x), 7);
      const filterValues = seededValues(tf.util.sizeFromShape(c.filter), 8);
      const compute = () => {
        const x = tf.tensor4d(xValues, c.x);
        const filter = tf.tensor4d(filterValues, c.filter);
        const conv = () => tf.conv2d(x, filter, c.strides, c.pad as 'same');
        // The first use of a filter may go by the matrix product, the second to XNNPACK.
        return [conv(), conv()];
      };
      const [expected] = await valuesOn('cpu', compute);
      const [first, second] = await valuesOn('wasm', compute);
      expect(relativeError(first!, expected!), 'first use').toBeLessThan(1e-5);
      expect(relativeError(second!, expected!), 'second use').toBeLessThan(1e-5);
    },
  );
});
