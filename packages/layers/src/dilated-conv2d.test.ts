import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { readDilatedCases, relativeError } from '../test/dilated-fixtures.js';
import { Conv2d } from './conv2d.js';
import { dilatedConv2d } from './dilated-conv2d.js';

const cases = readDilatedCases();
const tolerance = 1e-4;

function tensors(c: (typeof cases)[number]) {
  const t = (key: keyof typeof c.values) => tf.tensor(c.values[key].data, c.values[key].shape);
  return { x: t('x') as tf.Tensor4D, w: t('w') as tf.Tensor4D, b: t('b') as tf.Tensor1D, dy: t('dy') };
}

describe('dilatedConv2d against PyTorch (fixtures/dilated-conv2d.json)', () => {
  it('has the fixture cases, torchvision dilations and stride with dilation among them', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    expect(cases.some((c) => c.dilation[0] === 4 && c.stride[0] === 1 && c.padding[0] === 4)).toBe(true);
    expect(cases.some((c) => c.dilation[0] > 1 && c.stride[0] > 1)).toBe(true);
  });

  it.each(cases)('y (plus PyTorch bias), dX and dW: $name', (c) => {
    const [y, dx, dw] = tf.tidy(() => {
      const { x, w, b, dy } = tensors(c);
      const conv = (xv: tf.Tensor, wv: tf.Tensor) => dilatedConv2d(xv as tf.Tensor4D, wv as tf.Tensor4D, c);
      const grads = tf.grads((xv: tf.Tensor, wv: tf.Tensor) => tf.sum(tf.mul(conv(xv, wv), dy)))([x, w]);
      return [tf.add(conv(x, w), b), grads[0]!, grads[1]!];
    });
    expect(y.shape).toEqual(c.values.y.shape);
    expect(relativeError(y.dataSync(), c.values.y.data), 'y').toBeLessThan(tolerance);
    expect(dx.shape).toEqual(c.values.dx.shape);
    expect(relativeError(dx.dataSync(), c.values.dx.data), 'dX').toBeLessThan(tolerance);
    expect(dw.shape).toEqual(c.values.dw.shape);
    expect(relativeError(dw.dataSync(), c.values.dw.data), 'dW').toBeLessThan(tolerance);
    tf.dispose([y, dx, dw]);
  });

  it.each(cases)('Conv2d with bias, y and all gradients: $name', (c) => {
    const { x, w, b, dy } = tensors(c);
    const [kh, kw, inChannels, outChannels] = w.shape;
    const conv = new Conv2d(inChannels, outChannels, [kh, kw], {
      stride: c.stride,
      padding: c.padding,
      dilation: c.dilation,
      weightInit: () => w,
    });
    conv.bias!.assign(b);
    const input = tf.variable(x);
    const y = conv.forward(input);
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.mul(conv.forward(input), dy)),
      [input, conv.weight, conv.bias!],
    );
    expect(relativeError(y.dataSync(), c.values.y.data), 'y').toBeLessThan(tolerance);
    expect(relativeError(grads[input.name]!.dataSync(), c.values.dx.data), 'dX').toBeLessThan(tolerance);
    expect(relativeError(grads[conv.weight.name]!.dataSync(), c.values.dw.data), 'dW').toBeLessThan(
      tolerance,
    );
    expect(relativeError(grads[conv.bias!.name]!.dataSync(), c.values.db.data), 'db').toBeLessThan(tolerance);
    tf.dispose([x, w, b, dy, input, y, value, ...Object.values(grads)]);
    conv.dispose();
  });
});

describe('dilatedConv2d', () => {
  it('keeps the tensor count flat over repeated gradient steps', () => {
    const x = tf.randomNormal([1, 9, 11, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.variable(tf.randomNormal([3, 3, 3, 2], 0, 1, 'float32', 2));
    const step = (stride: number, dilation: number) =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(
          () => tf.sum(tf.square(dilatedConv2d(x, w as tf.Tensor4D, { stride, padding: 2, dilation }))),
          [w],
        );
        w.assign(tf.sub(w, tf.mul(grads[w.name]!, 1e-3)));
      });
    for (const [stride, dilation] of [
      [1, 2],
      [2, 2],
      [2, 3],
    ] as const) {
      step(stride, dilation);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) step(stride, dilation);
      expect(tf.memory().numTensors, `stride ${stride} dilation ${dilation}`).toBe(before);
    }
    tf.dispose([x, w]);
  });

  it('leaves only its output behind when run without a gradient tape', () => {
    const x = tf.randomNormal([1, 9, 11, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 3, 2], 0, 1, 'float32', 2) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    for (const [stride, dilation] of [
      [1, 2],
      [2, 2],
      [2, 3],
    ] as const) {
      const y = dilatedConv2d(x, w, { stride, padding: 1, dilation });
      expect(tf.memory().numTensors, `stride ${stride} dilation ${dilation}`).toBe(before + 1);
      y.dispose();
    }
    tf.dispose([x, w]);
  });

  it('names the problem in its errors', () => {
    const x = tf.zeros([1, 5, 5, 2]) as tf.Tensor4D;
    const w = tf.zeros([3, 3, 2, 1]) as tf.Tensor4D;
    expect(() => dilatedConv2d(x, w, { dilation: 3 })).toThrow(
      'dilatedConv2d: input 5x5 is too small for kernel [3,3] with padding [0,0] and dilation [3,3]',
    );
    expect(() => dilatedConv2d(x, tf.zeros([3, 3, 4, 1]) as tf.Tensor4D, { dilation: 2 })).toThrow(
      'input has 2 channels but the filter [3,3,4,1] (HWIO) expects 4',
    );
    expect(() => dilatedConv2d(x, w, { stride: 0 })).toThrow('stride must be positive integers, got [0,0]');
    expect(() => dilatedConv2d(x, w, { padding: -1 })).toThrow('padding must be non-negative integers');
    tf.dispose([x, w]);
  });
});
