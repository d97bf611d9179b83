// Registers the gradients (tfjs-core alone has none).
import '@fcn/layers';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Dropout } from './dropout.js';

describe('Dropout (PyTorch nn.Dropout, seeded)', () => {
  it('is the identity in eval mode', () => {
    const drop = new Dropout(0.5, { seed: 1 }).eval();
    const x = tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 1);
    expect(drop.forward(x)).toBe(x);
    expect(drop.calls).toBe(0);
  });

  it('in training zeroes about p of the elements and scales the rest by 1 / (1 - p)', () => {
    const drop = new Dropout(0.1, { seed: 2 });
    const x = tf.ones([1, 100, 100, 4]);
    const y = drop.forward(x).dataSync();
    const zeros = y.filter((v) => v === 0).length;
    expect(zeros / y.length).toBeGreaterThan(0.09);
    expect(zeros / y.length).toBeLessThan(0.11);
    expect(y.every((v) => v === 0 || Math.abs(v - 1 / 0.9) < 1e-6)).toBe(true);
  });

  it('repeats with the same seed, and draws a new mask on each call', () => {
    const x = tf.ones([1, 8, 8, 2]);
    const a = new Dropout(0.5, { seed: 3 });
    const b = new Dropout(0.5, { seed: 3 });
    const a1 = Array.from(a.forward(x).dataSync());
    expect(Array.from(b.forward(x).dataSync())).toEqual(a1);
    expect(Array.from(a.forward(x).dataSync())).not.toEqual(a1);
    expect(a.calls).toBe(2);
  });

  it('passes the gradient through the kept elements only, scaled', () => {
    const drop = new Dropout(0.25, { seed: 4 });
    const x = tf.randomNormal([1, 6, 6, 2], 0, 1, 'float32', 5);
    const { value, grads } = tf.valueAndGrads((t: tf.Tensor) => tf.sum(drop.forward(t)))([x]);
    const g = grads[0]!.dataSync();
    expect(g.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(value.dataSync()[0]).toBeCloseTo(
      Array.from(x.dataSync()).reduce((s, v, i) => s + v * g[i]!, 0),
      4,
    );
  });

  it('handles p = 0 and p = 1 and refuses p outside [0, 1]', () => {
    const x = tf.ones([1, 2, 2, 1]);
    expect(new Dropout(0).forward(x)).toBe(x);
    expect(Array.from(new Dropout(1).forward(x).dataSync())).toEqual([0, 0, 0, 0]);
    expect(() => new Dropout(1.5)).toThrow(/\[0, 1\]/);
  });
});
