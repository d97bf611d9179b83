import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, naiveConv2d } from '../test/naive-conv.js';
import { Conv2d } from './conv2d.js';

describe('Conv2d', () => {
  it('reproduces the chapter: 4x4 arange input, 3x3 arange kernel gives [[348, 393], [528, 573]]', () => {
    const kernel = tf.tensor4d(
      Array.from({ length: 9 }, (_, i) => i + 1),
      [3, 3, 1, 1],
    );
    const conv = new Conv2d(1, 1, 3, { bias: false, weightInit: () => kernel });
    const x = tf.tensor4d(
      Array.from({ length: 16 }, (_, i) => i + 1),
      [1, 4, 4, 1],
    );
    expect(tf.reshape(conv.forward(x), [2, 2]).arraySync()).toEqual([
      [348, 393],
      [528, 573],
    ]);
    conv.dispose();
  });

  it('Conv2d(10, k=4, p=1, s=2) maps (1, 64, 64, 3) to (1, 32, 32, 10), as in the chapter', () => {
    const conv = new Conv2d(3, 10, 4, { padding: 1, stride: 2, seed: 1 });
    const y = conv.forward(tf.randomUniform([1, 64, 64, 3], 0, 1, 'float32', 2));
    expect(y.shape).toEqual([1, 32, 32, 10]);
    conv.dispose();
  });

  it.each([
    { k: 3, stride: 1, padding: 1, size: [7, 6] },
    { k: 3, stride: 2, padding: 1, size: [9, 8] },
    { k: 7, stride: 2, padding: 3, size: [11, 10] },
    { k: 1, stride: 2, padding: 0, size: [6, 5] },
    { k: 4, stride: 2, padding: 1, size: [8, 8] },
  ])(
    'matches a direct loop with PyTorch padding semantics: k=$k s=$stride p=$padding',
    ({ k, stride, padding, size }) => {
      const conv = new Conv2d(3, 4, k, { stride, padding, bias: false, seed: 5 });
      const x = tf.randomUniform([2, size[0]!, size[1]!, 3], -1, 1, 'float32', 6);
      const ref = naiveConv2d({
        x: x.dataSync() as Float32Array,
        xShape: x.shape as [number, number, number, number],
        w: conv.weight.dataSync() as Float32Array,
        k: [k, k],
        outChannels: 4,
        stride,
        padding,
      });
      const y = conv.forward(x);
      expect(y.shape).toEqual(ref.shape);
      expect(maxAbsDiff(y.dataSync(), ref.values)).toBeLessThan(1e-5);
      conv.dispose();
    },
  );

  it('adds the bias per output channel', () => {
    const conv = new Conv2d(2, 3, 1, { seed: 3 });
    conv.weight.assign(tf.zeros([1, 1, 2, 3]));
    conv.bias!.assign(tf.tensor1d([1, 2, 3]));
    expect(Array.from(conv.forward(tf.ones([1, 1, 2, 2])).dataSync())).toEqual([1, 2, 3, 1, 2, 3]);
    conv.dispose();
  });

  it('supports dilation', () => {
    const conv = new Conv2d(1, 1, 3, { dilation: 2, bias: false, weightInit: (s) => tf.ones(s) });
    const y = conv.forward(tf.ones([1, 7, 7, 1]));
    expect(y.shape).toEqual([1, 3, 3, 1]);
    expect(Array.from(y.dataSync())).toEqual(new Array(9).fill(9));
    conv.dispose();
  });

  it('is reproducible from its seed', () => {
    const a = new Conv2d(3, 8, 3, { seed: 11 });
    const b = new Conv2d(3, 8, 3, { seed: 11 });
    expect(Array.from(a.weight.dataSync())).toEqual(Array.from(b.weight.dataSync()));
    expect(Array.from(a.bias!.dataSync())).toEqual(Array.from(b.bias!.dataSync()));
    a.dispose();
    b.dispose();
  });
});
