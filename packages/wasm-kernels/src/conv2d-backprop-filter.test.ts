import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveForwardConv } from './conv-geometry.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { filterGradByDilatedConv } from './filter-grad-dilated-conv.js';
import { filterGradByIm2col } from './filter-grad-im2col.js';
import { filterGradByPhaseGemm } from './filter-grad-phase-gemm.js';
import {
  type ExplicitPad,
  explicitPad,
  relativeError,
  seededValues,
  useWasmWithTrainingKernels,
  valuesOn,
} from './testing/compare-backends.js';
import { type WasmScratch, withScratch } from './wasm-scratch.js';

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
      for (const [name, formulation] of formulations) {
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
