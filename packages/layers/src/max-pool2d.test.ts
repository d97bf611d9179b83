import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { MaxPool2d } from './max-pool2d.js';

describe('MaxPool2d', () => {
  it('treats padding as -infinity (PyTorch), not as zeros', () => {
    const pool = new MaxPool2d(3, { stride: 2, padding: 1 });
    // All negative: a zero-padded pool would return 0 at the corners.
    const x = tf.tensor4d(
      [-1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16],
      [1, 4, 4, 1],
    );
    expect(tf.reshape(pool.forward(x), [2, 2]).arraySync()).toEqual([
      [-1, -2],
      [-5, -6],
    ]);
  });

  it('gives ResNet stem sizes: 160x240 -> 80x120 with k=3, s=2, p=1, and floors odd sizes', () => {
    const pool = new MaxPool2d(3, { stride: 2, padding: 1 });
    expect(pool.forward(tf.zeros([1, 160, 240, 2])).shape).toEqual([1, 80, 120, 2]);
    // floor((7 + 2 - 3) / 2) + 1 = 4
    expect(pool.forward(tf.zeros([1, 7, 7, 1])).shape).toEqual([1, 4, 4, 1]);
  });

  it('defaults the stride to the kernel size', () => {
    expect(new MaxPool2d(2).forward(tf.zeros([1, 6, 4, 1])).shape).toEqual([1, 3, 2, 1]);
  });

  it('refuses padding above half the kernel', () => {
    expect(() => new MaxPool2d(3, { padding: 2 })).toThrow(/at most half/);
  });
});
