import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../test/naive-conv.js';
import { BatchNorm2d } from './batch-norm2d.js';

/** Unfused reference with batch statistics; tfjs-core's own autodiff differentiates it. */
function referenceBatchNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta);
}

describe('BatchNorm2d', () => {
  it('normalises each channel with the batch mean and biased variance in training mode', () => {
    const bn = new BatchNorm2d(2);
    // Channel 0 holds 1, 2, 3, 4; channel 1 holds 10, 10, 10, 10.
    const x = tf.tensor4d([1, 10, 2, 10, 3, 10, 4, 10], [1, 2, 2, 2]);
    const y = bn.forward(x).dataSync();
    const std = Math.sqrt(1.25 + 1e-5);
    expect(y[0]).toBeCloseTo(-1.5 / std, 5);
    expect(y[6]).toBeCloseTo(1.5 / std, 5);
    expect(y[1]).toBeCloseTo(0, 5);
    bn.dispose();
  });

  it('updates running stats with momentum 0.1 and the unbiased variance (PyTorch)', () => {
    const bn = new BatchNorm2d(1);
    bn.forward(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]));
    expect(bn.runningMean.dataSync()[0]).toBeCloseTo(0.1 * 2.5, 6);
    // Unbiased variance of 1..4 is 5/3.
    expect(bn.runningVar.dataSync()[0]).toBeCloseTo(0.9 + 0.1 * (5 / 3), 6);
    bn.dispose();
  });

  it('uses the running stats in eval mode and leaves them unchanged', () => {
    const bn = new BatchNorm2d(1, { eps: 0 });
    bn.runningMean.assign(tf.tensor1d([2]));
    bn.runningVar.assign(tf.tensor1d([4]));
    bn.weight.assign(tf.tensor1d([3]));
    bn.bias.assign(tf.tensor1d([1]));
    bn.eval();
    const y = bn.forward(tf.tensor4d([2, 4, 6, 0], [1, 2, 2, 1]));
    expect(Array.from(y.dataSync())).toEqual([1, 4, 7, -2]);
    expect(bn.runningMean.dataSync()[0]).toBe(2);
    bn.dispose();
  });

  it('has a fused gradient equal to autodiff of the unfused formula', () => {
    const bn = new BatchNorm2d(3);
    bn.weight.assign(tf.tensor1d([0.5, -1.5, 2]));
    bn.bias.assign(tf.tensor1d([0.1, 0.2, -0.3]));
    const x = tf.randomNormal([2, 4, 5, 3], 1, 2, 'float32', 7);
    const upstream = tf.randomNormal([2, 4, 5, 3], 0, 1, 'float32', 8);
    const lossOf = (f: (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) =>
      tf.grads((xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(xs, g, b), upstream)));
    const fused = lossOf((xs) => bn.forward(xs))([x, bn.weight, bn.bias]);
    const ref = lossOf((xs, g, b) => referenceBatchNorm(xs, g, b, 1e-5))([x, bn.weight, bn.bias]);
    // The fused version reads gamma/beta from the layer; its dgamma/dbeta come back via variableGrads.
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.mul(bn.forward(x), upstream)) as tf.Scalar,
      [bn.weight, bn.bias],
    );
    expect(maxAbsDiff(fused[0]!.dataSync(), ref[0]!.dataSync())).toBeLessThan(1e-4);
    expect(maxAbsDiff(grads[bn.weight.name]!.dataSync(), ref[1]!.dataSync())).toBeLessThan(1e-4);
    expect(maxAbsDiff(grads[bn.bias.name]!.dataSync(), ref[2]!.dataSync())).toBeLessThan(1e-4);
    bn.dispose();
  });

  it('names its state like PyTorch', () => {
    const bn = new BatchNorm2d(4);
    expect([...bn.stateDict().keys()]).toEqual(['weight', 'bias', 'running_mean', 'running_var']);
    bn.dispose();
  });
});
