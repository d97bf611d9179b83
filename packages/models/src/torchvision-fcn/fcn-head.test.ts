import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { seedSequence } from '../seeds.js';
import { FCNHead } from './fcn-head.js';

describe("FCNHead (torchvision's, an nn.Sequential)", () => {
  it('has keys 0.weight, 1.*, 4.weight, 4.bias: conv in -> in/4 (3x3, no bias), BN, ReLU, Dropout, 1x1 conv', () => {
    const head = new FCNHead(16, 5, seedSequence(1));
    const state = head.stateDict();
    expect([...state.keys()]).toEqual([
      '0.weight',
      '1.weight',
      '1.bias',
      '1.running_mean',
      '1.running_var',
      '4.weight',
      '4.bias',
    ]);
    expect(state.get('0.weight')!.shape).toEqual([3, 3, 16, 4]);
    expect(state.get('4.weight')!.shape).toEqual([1, 1, 4, 5]);
    expect(head.dropout.p).toBe(0.1);
    expect(head.conv.padding).toEqual([1, 1]);
    head.dispose();
  });

  it('in eval mode computes conv, BN, ReLU, conv (dropout off) and frees its intermediates', () => {
    const head = new FCNHead(8, 3, seedSequence(2)).eval();
    const x = tf.randomNormal([1, 5, 7, 8], 0, 1, 'float32', 3);
    const before = tf.memory().numTensors;
    const y = head.forward(x);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(y.shape).toEqual([1, 5, 7, 3]);
    const expected = tf.tidy(() => head.scores.forward(tf.relu(head.bn.forward(head.conv.forward(x)))));
    expect(tf.max(tf.abs(tf.sub(y, expected))).dataSync()[0]).toBeLessThan(1e-6);
    head.dispose();
  });

  it("starts from PyTorch's default conv init: |w| <= 1/sqrt(fan-in)", () => {
    const head = new FCNHead(64, 3, seedSequence(4));
    const bound = 1 / Math.sqrt(64 * 9);
    const w = head.conv.weight.dataSync();
    expect(w.every((v) => Math.abs(v) <= bound)).toBe(true);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    head.dispose();
  });
});
