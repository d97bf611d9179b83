import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveForwardConv } from './conv-geometry.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { filterGradByDilatedConv } from './filter-grad-dilated-conv.js';
import { filterGradByIm2col } from './filter-grad-im2col.js';
import { filterGradByPhaseGemm } from './filter-grad-phase-gemm.js';
import { filterGradByWinograd, winogradFilterGradVariant } from './filter-grad-winograd.js';
import {
  type ExplicitPad,
  explicitPad,
  relativeError,
  seededValues,
  useWasmWithTrainingKernels,
  valuesOn,
} from './testing/compare-backends.js';
import { type WasmScratch, withScratch } from './wasm-scratch.js';
import { F2X2_3X3, F4X4_3X3 } from './winograd-variants.js';

interface FilterGradCase {
  x: [number, number, number, number];
  kernel: [number, number];
  outChannels: number;
  strides: number | [number, number];
  pad: number | 'same' | 'valid' | ExplicitPad;
}

const cases: FilterGradCase[] = [
  { x: [2, 7, 6, 3], kernel: [3, 3], outChannels: 4, strides: 1, pad: 1 },
  { x: [2, 8, 9, 3], kernel: [3, 3], outChannels: 5, strides: 2, pad: 1 },
  { x: [1, 9, 8, 2], kernel: [7, 7], outChannels: 3, strides: 2, pad: 3 },
  { x: [2, 8, 8, 3], kernel: [7, 7], outChannels: 2, strides: 1, pad: 3 },
  { x: [3, 6, 7, 4], kernel: [1, 1], outChannels: 2, strides: 2, pad: 0 },
  { x: [2, 5, 6, 2], kernel: [1, 1], outChannels: 3, strides: 1, pad: 1 },
  { x: [2, 10, 11, 3], kernel: [3, 3], outChannels: 2, strides: 2, pad: 'same' },
  { x: [2, 10, 11, 3], kernel: [3, 3], outChannels: 2, strides: 2, pad: 'valid' },
  { x: [2, 7, 8, 3], kernel: [3, 3], outChannels: 4, strides: 1, pad: explicitPad(1, 1, 1, 1) },
  { x: [2, 9, 8, 3], kernel: [3, 3], outChannels: 4, strides: 2, pad: explicitPad(2, 0, 0, 1) },
  { x: [1, 9, 7, 2], kernel: [3, 1], outChannels: 3, strides: [2, 1], pad: explicitPad(0, 3, 1, 0) },
  { x: [2, 13, 12, 2], kernel: [9, 9], outChannels: 3, strides: 3, pad: explicitPad(4, 2, 3, 4) },
  { x: [1, 64, 96, 4], kernel: [64, 64], outChannels: 4, strides: 32, pad: 16 },
  { x: [2, 64, 96, 3], kernel: [64, 64], outChannels: 5, strides: 32, pad: 16 },
  { x: [2, 20, 22, 3], kernel: [10, 9], outChannels: 2, strides: [4, 3], pad: explicitPad(3, 5, 2, 6) },
  // 3x3 stride 1 with at least 16 channels: Winograd (filter-grad-winograd.ts) where estimated cheaper
  { x: [1, 18, 20, 16], kernel: [3, 3], outChannels: 24, strides: 1, pad: 1 },
  { x: [2, 13, 11, 20], kernel: [3, 3], outChannels: 16, strides: 1, pad: 'valid' },
  { x: [1, 17, 19, 16], kernel: [3, 3], outChannels: 16, strides: 1, pad: explicitPad(2, 0, 1, 2) },
  { x: [1, 10, 9, 18], kernel: [3, 3], outChannels: 17, strides: 1, pad: 'same' }, // JavaScript passes
];

type Formulation = (scratch: WasmScratch, x: tf.Tensor, dy: tf.Tensor, c: FilterGradCase) => tf.TensorInfo;

/** Each formulation on every case, whichever the kernel picks; im2col in chunks of one dy row. */
const formulations: [string, Formulation][] = [
  [
    'im2col, one-row chunks',
    (scratch, x, dy, c) => filterGradByIm2col(scratch, x, dy, forwardConv(c, dy), 1),
  ],
  ['dilated convolution', (scratch, x, dy, c) => filterGradByDilatedConv(scratch, x, dy, forwardConv(c, dy))],
  ['phase GEMM', (scratch, x, dy, c) => filterGradByPhaseGemm(scratch, x, dy, forwardConv(c, dy))],
];

/** Winograd on the 3x3 stride-1 cases, both variants. */
const winogradFormulations: [string, Formulation][] = [F2X2_3X3, F4X4_3X3].map((variant) => [
  `Winograd ${variant.name}`,
  (scratch, x, dy, c) => filterGradByWinograd(scratch, x, dy, forwardConv(c, dy), variant),
]);

const isWinogradShape = (c: FilterGradCase) => c.kernel[0] === 3 && c.kernel[1] === 3 && c.strides === 1;

function filterShapeOf(c: FilterGradCase): [number, number, number, number] {
  return [...c.kernel, c.x[3], c.outChannels];
}

function forwardConv(c: FilterGradCase, dy: tf.Tensor) {
  return resolveForwardConv('test', c.x, filterShapeOf(c), dy.shape, { ...c, dataFormat: 'NHWC' });
}

describe('Conv2DBackpropFilter on wasm', () => {
  beforeAll(useWasmWithTrainingKernels);

  it('is our kernel', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc).toBe(
      conv2dBackpropFilterConfig.kernelFunc,
    );
  });

  it('takes Winograd for 3x3 stride-1 filters where estimated cheaper than the im2col product', () => {
    const variant = (x: number[], dy: number[], strides = 1) => {
      const conv = {
        strides: [strides, strides] as [number, number],
        filter: [3, 3] as [number, number],
        pads: { top: 1, bottom: 1, left: 1, right: 1 },
      };
      return winogradFilterGradVariant(conv, x, dy)?.name ?? 'im2col';
    };
    expect(variant([1, 80, 120, 64], [1, 80, 120, 64])).toBe('F(4x4,3x3)'); // ResNet-18 layer1 at 320x480
    expect(variant([1, 10, 15, 512], [1, 10, 15, 512])).toBe('F(2x2,3x3)'); // layer4, batch 1
    expect(variant([1, 80, 120, 64], [1, 40, 60, 128], 2)).toBe('im2col'); // layer2.0, stride 2
    expect(variant([1, 320, 480, 3], [1, 320, 480, 64])).toBe('im2col'); // 3 input channels
    expect(variant([1, 4, 4, 64], [1, 4, 4, 64])).toBe('im2col'); // a handful of tiles
    expect(variant([1, 32, 32, 128], [1, 32, 32, 128])).toBe('F(4x4,3x3)'); // the next test's
  });

  it("gives the im2col product's dW by its own Winograd route (ResNet-like channels; cpu would take seconds)", async () => {
    const c: FilterGradCase = { x: [1, 32, 32, 128], kernel: [3, 3], outChannels: 128, strides: 1, pad: 1 };
    const xValues = seededValues(tf.util.sizeFromShape(c.x), 5);
    const dyValues = seededValues(tf.util.sizeFromShape(c.x), 6);
    const attrs = { strides: 1, pad: 1, dataFormat: 'NHWC', filterShape: filterShapeOf(c) };
    const inputs = () => ({ x: tf.tensor4d(xValues, c.x), dy: tf.tensor4d(dyValues, c.x) });
    const [byKernel] = await valuesOn('wasm', () => [
      tf.engine().runKernel('Conv2DBackpropFilter', inputs(), attrs as never) as tf.Tensor,
    ]);
    const [byIm2col] = await valuesOn('wasm', () => {
      const { x, dy } = inputs();
      const conv = forwardConv(c, dy);
      const dW = withScratch(tf.backend() as BackendWasm, (scratch) =>
        filterGradByIm2col(scratch, x, dy, conv),
      );
      return [tf.engine().makeTensorFromTensorInfo(dW)];
    });
    expect(relativeError(byKernel!, byIm2col!)).toBeLessThan(1e-4);
  });

  it.each(cases)(
    'matches cpu: x $x, kernel $kernel -> $outChannels, strides $strides, pad $pad',
    async (c) => {
      const dyShape = tf.backend_util.computeConv2DInfo(c.x, filterShapeOf(c), c.strides, 1, c.pad).outShape;
      const xValues = seededValues(tf.util.sizeFromShape(c.x), 1);
      const dyValues = seededValues(tf.util.sizeFromShape(dyShape), 2);
      const inputs = () => ({ x: tf.tensor4d(xValues, c.x), dy: tf.tensor4d(dyValues, dyShape) });
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: filterShapeOf(c) };
      const kernel = () => [
        tf.engine().runKernel('Conv2DBackpropFilter', inputs(), attrs as never) as tf.Tensor,
      ];
      const [expected] = await valuesOn('cpu', kernel);
      const [actual] = await valuesOn('wasm', kernel);
      expect(relativeError(actual!, expected!)).toBeLessThan(1e-4);
      for (const [name, formulation] of [
        ...formulations,
        ...(isWinogradShape(c) ? winogradFormulations : []),
      ]) {
        const [byFormulation] = await valuesOn('wasm', () => {
          const { x, dy } = inputs();
          const result = withScratch(tf.backend() as BackendWasm, (scratch) =>
            formulation(scratch, x, dy, c),
          );
          return [tf.engine().makeTensorFromTensorInfo(result)];
        });
        expect(relativeError(byFormulation!, expected!), name).toBeLessThan(1e-4);
      }
    },
  );
});
