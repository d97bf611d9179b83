import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveForwardConv } from './conv-geometry.js';
import {
  conv2dBackpropInputConfig,
  prefersPhaseGemm,
  prefersWinogradInputGrad,
} from './conv2d-backprop-input.js';
import { prefersGemm } from './input-grad-gemm.js';
import { inputGradByPhaseGemm } from './input-grad-phase-gemm.js';
import {
  type ExplicitPad,
  explicitPad,
  relativeError,
  seededValues,
  useWasmWithTrainingKernels,
  valuesOn,
} from './testing/compare-backends.js';
import { withScratch } from './wasm-scratch.js';

interface InputGradCase {
  /** Shape of the forward input, i.e. of dx. */
  x: [number, number, number, number];
  kernel: [number, number];
  outChannels: number;
  strides: number | [number, number];
  pad: number | 'same' | 'valid' | ExplicitPad;
}

const cases: InputGradCase[] = [
  { x: [2, 7, 6, 3], kernel: [3, 3], outChannels: 4, strides: 1, pad: 1 },
  { x: [2, 8, 9, 3], kernel: [3, 3], outChannels: 5, strides: 2, pad: 1 },
  { x: [2, 9, 10, 4], kernel: [3, 3], outChannels: 2, strides: 2, pad: 1 },
  { x: [1, 9, 8, 2], kernel: [7, 7], outChannels: 3, strides: 2, pad: 3 },
  { x: [2, 8, 8, 3], kernel: [7, 7], outChannels: 2, strides: 1, pad: 3 },
  { x: [3, 6, 7, 4], kernel: [1, 1], outChannels: 2, strides: 2, pad: 0 },
  { x: [2, 5, 6, 2], kernel: [1, 1], outChannels: 3, strides: 1, pad: 1 },
  { x: [2, 10, 11, 3], kernel: [3, 3], outChannels: 2, strides: 2, pad: 'same' },
  { x: [2, 10, 11, 3], kernel: [3, 3], outChannels: 2, strides: 2, pad: 'valid' },
  { x: [2, 7, 8, 3], kernel: [3, 3], outChannels: 4, strides: 1, pad: explicitPad(1, 1, 1, 1) },
  { x: [2, 9, 8, 3], kernel: [3, 3], outChannels: 4, strides: 2, pad: explicitPad(2, 0, 0, 1) },
  { x: [1, 9, 7, 2], kernel: [3, 1], outChannels: 3, strides: [2, 1], pad: explicitPad(0, 3, 1, 0) },
  { x: [1, 12, 11, 2], kernel: [4, 4], outChannels: 3, strides: 3, pad: explicitPad(5, 4, 4, 5) },
  { x: [1, 64, 96, 4], kernel: [64, 64], outChannels: 4, strides: 32, pad: 16 },
  // large next to its filter: the sub-pixel phases, not the phase GEMM
  { x: [2, 128, 96, 2], kernel: [64, 64], outChannels: 2, strides: 32, pad: 16 },
  // Stride 1 with a filter much larger than dy: the matrix-product route (input-grad-gemm.ts).
  { x: [1, 3, 4, 16], kernel: [3, 3], outChannels: 24, strides: 1, pad: 1 },
  { x: [2, 3, 2, 32], kernel: [3, 3], outChannels: 8, strides: 1, pad: explicitPad(2, 0, 1, 1) },
  { x: [1, 5, 5, 24], kernel: [5, 5], outChannels: 6, strides: 1, pad: 2 },
  { x: [1, 4, 5, 16], kernel: [3, 3], outChannels: 5, strides: 1, pad: 'valid' },
  { x: [1, 2, 3, 64], kernel: [1, 1], outChannels: 7, strides: 1, pad: 0 },
  { x: [1, 6, 5, 16], kernel: [3, 3], outChannels: 8, strides: 2, pad: 1 },
  { x: [2, 5, 7, 24], kernel: [3, 3], outChannels: 4, strides: [2, 3], pad: explicitPad(0, 2, 1, 0) },
];

/** 3x3 stride 1, fewer tiles than dx channels: Winograd with the filter flipped, packing the input. */
const winogradCases: InputGradCase[] = [
  { x: [1, 8, 10, 32], kernel: [3, 3], outChannels: 48, strides: 1, pad: 1 },
  { x: [1, 12, 16, 64], kernel: [3, 3], outChannels: 64, strides: 1, pad: explicitPad(2, 0, 0, 2) },
  { x: [1, 10, 12, 48], kernel: [3, 3], outChannels: 16, strides: 1, pad: 'same' },
];

function resolvedConv(c: InputGradCase) {
  const filterShape: [number, number, number, number] = [...c.kernel, c.x[3], c.outChannels];
  const dyShape = tf.backend_util.computeConv2DInfo(c.x, filterShape, c.strides, 1, c.pad).outShape;
  const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC' };
  const conv = resolveForwardConv('test', c.x, filterShape, dyShape, attrs);
  return { conv, filterShape, dyPixels: dyShape[0]! * dyShape[1]! * dyShape[2]! };
}

describe('Conv2DBackpropInput on wasm', () => {
  beforeAll(useWasmWithTrainingKernels);

  it('replaces the shipped kernel', () => {
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc).toBe(
      conv2dBackpropInputConfig.kernelFunc,
    );
  });

  it('takes the matrix-product route where the filter outweighs dy', () => {
    const conv = (s: number, k: number) => ({
      strides: [s, s] as [number, number],
      filter: [k, k] as [number, number],
      pads: { top: 1, bottom: 1, left: 1, right: 1 },
    });
    expect(prefersGemm(conv(1, 3), 150, 512)).toBe(true); // ResNet-18 layer4 at 320x480, batch 1
    expect(prefersGemm(conv(1, 3), 9600, 64)).toBe(false); // layer1
    expect(prefersGemm(conv(2, 3), 150, 256)).toBe(true); // layer4.0
    expect(prefersGemm(conv(2, 3), 600, 128)).toBe(false); // layer3.0
    // The FCN's k64/s32 upsampler: 85 ms by phases against 168 ms by the product (whose col2im is 13 M adds).
    expect(prefersGemm(conv(32, 64), 150, 21)).toBe(false);
  });

  it('takes Winograd with a flipped filter where it packs the input, ahead of the GEMM where cheaper', () => {
    const layer4 = (batch: number) => {
      const conv = {
        strides: [1, 1] as [number, number],
        filter: [3, 3] as [number, number],
        pads: { top: 1, bottom: 1, left: 1, right: 1 },
      };
      return prefersWinogradInputGrad(conv, [3, 3, 512, 512], [batch, 10, 15, 512], batch * 150);
    };
    expect(layer4(1)).toBe(false); // ResNet-18 at 320x480: the GEMM at batch 1
    expect(layer4(4)).toBe(true);
    for (const c of winogradCases) {
      const { conv, filterShape, dyPixels } = resolvedConv(c);
      expect(prefersWinogradInputGrad(conv, filterShape, c.x, dyPixels), `${c.x}`).toBe(true);
    }
    for (const c of cases) {
      const { conv, filterShape, dyPixels } = resolvedConv(c);
      expect(prefersWinogradInputGrad(conv, filterShape, c.x, dyPixels), `${c.x}`).toBe(false);
    }
  });

  it('takes the phase GEMM for a large filter that is large next to dx', () => {
    const upsampler: [number, number, number, number] = [64, 64, 21, 21];
    expect(prefersPhaseGemm([64, 64], upsampler, [1, 320, 480, 21])).toBe(true);
    expect(prefersPhaseGemm([64, 64], upsampler, [2, 320, 480, 21])).toBe(false);
    expect(prefersPhaseGemm([3, 3], [3, 3, 512, 512], [1, 10, 15, 512])).toBe(false);
  });

  it.each([...cases, ...winogradCases])(
    'matches cpu: dx $x, kernel $kernel, dy channels $outChannels, strides $strides, pad $pad',
    async (c) => {
      const filterShape = [...c.kernel, c.x[3], c.outChannels] as [number, number, number, number];
      const dyShape = tf.backend_util.computeConv2DInfo(c.x, filterShape, c.strides, 1, c.pad).outShape;
      const dyValues = seededValues(tf.util.sizeFromShape(dyShape), 3);
      const filterValues = seededValues(tf.util.sizeFromShape(filterShape), 4);
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x };
      const kernel = () => {
        const inputs = { dy: tf.tensor4d(dyValues, dyShape), filter: tf.tensor4d(filterValues, filterShape) };
        return [tf.engine().runKernel('Conv2DBackpropInput', inputs, attrs as never) as tf.Tensor];
      };
      const [expected] = await valuesOn('cpu', kernel);
      const [actual] = await valuesOn('wasm', kernel);
      expect(relativeError(actual!, expected!)).toBeLessThan(1e-4);
      // The phase GEMM on every case, whichever route the kernel picks.
      const [byPhases] = await valuesOn('wasm', () => {
        const dy = tf.tensor4d(dyValues, dyShape);
        const filter = tf.tensor4d(filterValues, filterShape);
        const conv = resolveForwardConv('test', c.x, filterShape, dyShape, { ...attrs, pad: c.pad });
        const info = withScratch(tf.backend() as BackendWasm, (scratch) =>
          inputGradByPhaseGemm(scratch, dy, filter, c.x, conv),
        );
        return [tf.engine().makeTensorFromTensorInfo(info)];
      });
      expect(relativeError(byPhases!, expected!), 'phase GEMM').toBeLessThan(1e-4);
    },
  );
});
