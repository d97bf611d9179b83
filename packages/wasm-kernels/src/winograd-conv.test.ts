import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
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
import { withScratch } from './wasm-scratch.js';
import {
  convByWinograd,
  keptWinogradFilters,
  prefersWinograd,
  winogradPlan,
  winogradVariant,
} from './winograd-conv.js';
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

  it('is chosen for 3x3 stride-1 filters with enough tiles; without input packing, new filters need many', () => {
    expect(prefersWinograd([3, 3, 64, 64], [1, 1], 9600, false)).toBe(true); // ResNet-18 layer1, training
    expect(prefersWinograd([3, 3, 512, 512], [1, 1], 150, false)).toBe(true); // layer4 batch 1, training
    expect(prefersWinograd([3, 3, 512, 512], [1, 1], 150, false, false)).toBe(false); // the same, no SIMD
    expect(prefersWinograd([3, 3, 512, 512], [1, 1], 150, true, false)).toBe(true); // inference, no SIMD
    expect(prefersWinograd([3, 3, 512, 512], [1, 1], 600, false, false)).toBe(true); // batch 4, no SIMD
    expect(prefersWinograd([3, 3, 2048, 512], [1, 1], 4096, true)).toBe(true); // FCNHead, inference
    expect(prefersWinograd([3, 3, 64, 64], [2, 2], 9600, true)).toBe(false); // stride 2
    expect(prefersWinograd([7, 7, 64, 64], [1, 1], 9600, true)).toBe(false);
    expect(prefersWinograd([3, 3, 3, 64], [1, 1], 9600, true)).toBe(false); // thin input
    expect(prefersWinograd([3, 3, 64, 64], [1, 1], 40, true)).toBe(false); // a few tiles
    expect(prefersWinograd([3, 3, 64, 64], [1, 1], 40, false)).toBe(false);
  });

  it('keeps F(4x4, 3x3) for reused filters with large, well covered outputs', () => {
    expect(winogradVariant([1, 64, 64, 512], [4, 4])).toBe(F4X4_3X3); // FCN-ResNet50 layer4, inference
    expect(winogradVariant([1, 20, 30, 256], [1, 1])).toBe(F4X4_3X3); // 40 tiles
    expect(winogradVariant([1, 13, 30, 256], [1, 1])).toBe(F2X2_3X3); // 32 tiles, 512 outputs for 390
    expect(winogradVariant([1, 12, 16, 64], [1, 1])).toBe(F2X2_3X3); // 12 tiles
    expect(winogradVariant([4, 10, 15, 512], [1, 1])).toBe(F2X2_3X3); // 15 of 16 columns: waste
    expect(winogradVariant([1, 34, 35, 20], [1, 1])).toBe(F4X4_3X3);
  });

  it('plans new filters by cost: packs the input transform where there are fewer tiles than channels', () => {
    const plan = (shape: number[], canPackInput = true) => {
      const { variant, packs } = winogradPlan(shape, [1, 1], shape[3]!, shape[3]!, false, { canPackInput });
      return `${variant.name} ${packs}`;
    };
    // ResNet-18 at 320x480
    expect(plan([1, 80, 120, 64])).toBe('F(4x4,3x3) filter'); // layer1
    expect(plan([1, 40, 60, 128])).toBe('F(4x4,3x3) filter'); // layer2
    expect(plan([1, 20, 30, 256])).toBe('F(4x4,3x3) input'); // layer3
    expect(plan([1, 10, 15, 512])).toBe('F(2x2,3x3) input'); // layer4, batch 1
    expect(plan([4, 10, 15, 512])).toBe('F(4x4,3x3) input'); // layer4, batch 4
    expect(plan([1, 20, 30, 256], false)).toBe('F(2x2,3x3) filter'); // layer3 without the SIMD module
    expect(winogradPlan([1, 20, 30, 256], [1, 1], 256, 256, true).packs).toBe('filter'); // reused
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

  it.each(cases)(
    'every plan, flipped or not, matches cpu: x $x, out $channelsOut, pad $pad, dilation $dilation',
    async (c) => {
      const filterOf = (flipped: boolean): [number, number, number, number] =>
        flipped ? [3, 3, c.channelsOut, c.x[3]] : [3, 3, c.x[3], c.channelsOut];
      const xValues = seededValues(tf.util.sizeFromShape(c.x), 8);
      for (const flipped of [false, true]) {
        const filterValues = seededValues(9 * c.x[3] * c.channelsOut, 9);
        // The convolution a flipped filter stands for: W rotated 180° with its channel axes swapped.
        const [expected] = await valuesOn('cpu', () => {
          const w = tf.tensor4d(filterValues, filterOf(flipped));
          const convFilter = flipped ? tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) : w;
          return [
            tf.conv2d(
              tf.tensor4d(xValues, c.x),
              convFilter as tf.Tensor4D,
              1,
              c.pad as 'same',
              'NHWC',
              c.dilation,
            ),
          ];
        });
        const info = tf.backend_util.computeConv2DInfo(
          c.x,
          [3, 3, c.x[3], c.channelsOut],
          1,
          c.dilation,
          c.pad as 'same',
        );
        const outShape = info.outShape as [number, number, number, number];
        const dilation: [number, number] = [info.dilationHeight, info.dilationWidth];
        for (const variant of [F2X2_3X3, F4X4_3X3]) {
          for (const packs of ['filter', 'input'] as const) {
            const [actual] = await valuesOn('wasm', () => {
              const x = tf.tensor4d(xValues, c.x);
              const filter = tf.tensor4d(filterValues, filterOf(flipped));
              const y = withScratch(tf.backend() as BackendWasm, (scratch) =>
                convByWinograd(scratch, x, { filter, flipped }, info.padInfo, dilation, outShape, false, {
                  variant,
                  packs,
                }),
              );
              return [tf.engine().makeTensorFromTensorInfo(y)];
            });
            const label = `${variant.name}, packing the ${packs}${flipped ? ', flipped' : ''}`;
            expect(relativeError(actual!, expected!), label).toBeLessThan(1e-5);
          }
        }
      }
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
