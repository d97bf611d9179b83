import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ExplicitPad,
  explicitPad,
  relativeError,
  seededValues,
  useWasmWithTrainingKernels,
  valuesOn,
} from './testing/compare-backends.js';
import { keptWinogradFilters, prefersWinograd, winogradVariant } from './winograd-conv.js';
import { F2X2_3X3, F4X4_3X3 } from './winograd-variants.js';

interface WinogradCase {
  x: [number, number, number, number];
  channelsOut: number;
  pad: number | 'same' | 'valid' | ExplicitPad;
  dilation: number | [number, number];
}

/** Shapes that take the Winograd route on first use (many tiles per input channel) and when reused. */
const cases: WinogradCase[] = [
  { x: [1, 18, 20, 16], channelsOut: 24, pad: 1, dilation: 1 },
  { x: [2, 17, 15, 20], channelsOut: 16, pad: 'same', dilation: 1 }, // odd output sizes
  { x: [1, 19, 22, 16], channelsOut: 16, pad: 'valid', dilation: 1 },
  { x: [1, 20, 18, 16], channelsOut: 20, pad: explicitPad(2, 0, 1, 2), dilation: 1 },
  { x: [1, 21, 23, 16], channelsOut: 16, pad: 2, dilation: 2 }, // torchvision's dilated layer3
  { x: [1, 26, 24, 16], channelsOut: 16, pad: explicitPad(4, 4, 3, 3), dilation: [4, 3] },
  { x: [1, 18, 20, 18], channelsOut: 17, pad: 1, dilation: 1 }, // channels not in fours: the JavaScript passes
  // F(4x4, 3x3): at least 64 tiles of 4x4
  { x: [1, 34, 35, 16], channelsOut: 20, pad: 1, dilation: 1 },
  { x: [2, 26, 31, 16], channelsOut: 16, pad: 'valid', dilation: 1 },
  { x: [1, 40, 36, 16], channelsOut: 16, pad: 2, dilation: 2 },
  { x: [1, 35, 34, 18], channelsOut: 17, pad: explicitPad(2, 0, 0, 1), dilation: 1 }, // JavaScript passes
];

describe('Conv2D on wasm by Winograd F(2x2, 3x3)', () => {
  beforeAll(useWasmWithTrainingKernels);

  it('is chosen for 3x3 stride-1 filters with enough tiles, new filters only with many per channel', () => {
    expect(prefersWinograd([3, 3, 64, 64], [1, 1], 9600, false)).toBe(true); // ResNet-18 layer1, training
    expect(prefersWinograd([3, 3, 512, 512], [1, 1], 150, false)).toBe(false); // layer4 batch 1, training
    expect(prefersWinograd([3, 3, 512, 512], [1, 1], 150, true)).toBe(true); // the same, inference
    expect(prefersWinograd([3, 3, 512, 512], [1, 1], 600, false)).toBe(true); // layer4 batch 4, training
    expect(prefersWinograd([3, 3, 2048, 512], [1, 1], 4096, true)).toBe(true); // FCNHead, inference
    expect(prefersWinograd([3, 3, 64, 64], [2, 2], 9600, true)).toBe(false); // stride 2
    expect(prefersWinograd([7, 7, 64, 64], [1, 1], 9600, true)).toBe(false);
    expect(prefersWinograd([3, 3, 3, 64], [1, 1], 9600, true)).toBe(false); // thin input
    expect(prefersWinograd([3, 3, 64, 64], [1, 1], 40, true)).toBe(false); // a few tiles
  });

  it('takes F(4x4, 3x3) for large outputs, F(2x2, 3x3) for small or badly covered ones', () => {
    expect(winogradVariant([1, 80, 120, 64], [1, 1], 64, false)).toBe(F4X4_3X3); // ResNet-18 layer1, training
    expect(winogradVariant([1, 64, 64, 512], [4, 4], 512, true)).toBe(F4X4_3X3); // FCN-ResNet50 layer4, inference
    expect(winogradVariant([1, 64, 64, 512], [4, 4], 512, false)).toBe(F2X2_3X3); // the same, training
    expect(winogradVariant([1, 20, 30, 256], [1, 1], 256, true)).toBe(F2X2_3X3); // 40 tiles
    expect(winogradVariant([4, 10, 15, 512], [1, 1], 512, true)).toBe(F2X2_3X3); // 15 of 16 columns: waste
    expect(winogradVariant([1, 34, 35, 20], [1, 1], 16, false)).toBe(F4X4_3X3);
  });

  it.each(cases)(
    'matches cpu, new filter and reused: x $x, out $channelsOut, pad $pad, dilation $dilation',
    async (c) => {
      const filterShape: [number, number, number, number] = [3, 3, c.x[3], c.channelsOut];
      const xValues = seededValues(tf.util.sizeFromShape(c.x), 3);
      const filterValues = seededValues(tf.util.sizeFromShape(filterShape), 4);
      const compute = () => {
        const x = tf.tensor4d(xValues, c.x);
        const filter = tf.tensor4d(filterValues, filterShape);
        const conv = () => tf.conv2d(x, filter, 1, c.pad as 'same', 'NHWC', c.dilation);
        return [conv(), conv(), conv()];
      };
      const [expected] = await valuesOn('cpu', compute);
      const outputs = await valuesOn('wasm', compute);
      outputs.forEach((output, i) => {
        expect(relativeError(output, expected!), `call ${i + 1}`).toBeLessThan(1e-5);
      });
    },
  );

  it('keeps a reused filter transformed and frees it once the filter is gone, leaking nothing', async () => {
    const x = tf.tensor4d(seededValues(2 * 16 * 16 * 16, 5), [2, 16, 16, 16]);
    const run = () => {
      const filter = tf.tensor4d(seededValues(9 * 16 * 16, 6), [3, 3, 16, 16]);
      tf.dispose([tf.conv2d(x, filter, 1, 1), tf.conv2d(x, filter, 1, 1)]);
      filter.dispose();
    };
    // A Winograd convolution with a new filter, used once: frees the transforms kept for disposed filters.
    const sweep = () =>
      tf.tidy(() => tf.conv2d(x, tf.tensor4d(seededValues(9 * 16 * 16, 7), [3, 3, 16, 16]), 1, 1)).dispose();
    run(); // warm-up: the backend's own caches
    run();
    expect(keptWinogradFilters(), 'the reused filter kept').toBe(1);
    sweep();
    expect(keptWinogradFilters()).toBe(0);
    const tensors = tf.memory().numTensors;
    const buffers = tf.backend().numDataIds();
    for (let i = 0; i < 3; i++) run();
    sweep();
    expect(keptWinogradFilters()).toBe(0);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds(), 'wasm buffers').toBe(buffers);
    x.dispose();
  });
});
