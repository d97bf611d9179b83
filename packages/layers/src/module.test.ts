import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ReLU } from './activation.js';
import { BatchNorm2d } from './batch-norm2d.js';
import { ConvTranspose2d } from './conv-transpose2d.js';
import { Conv2d } from './conv2d.js';
import { MaxPool2d } from './max-pool2d.js';
import { Sequential } from './sequential.js';

function tinyNet() {
  return new Sequential(
    new Conv2d(3, 4, 3, { stride: 2, padding: 1, bias: false, seed: 1 }),
    new BatchNorm2d(4),
    new ReLU(),
    new MaxPool2d(3, { stride: 2, padding: 1 }),
    new ConvTranspose2d(4, 2, 8, { stride: 4, padding: 2, seed: 2 }),
  );
}

describe('Module', () => {
  it('names parameters and buffers with dotted PyTorch paths, in PyTorch order', () => {
    const net = tinyNet();
    expect([...net.stateDict().keys()]).toEqual([
      '0.weight',
      '1.weight',
      '1.bias',
      '1.running_mean',
      '1.running_var',
      '4.weight',
      '4.bias',
    ]);
    expect([...net.namedParameters()].map(([k]) => k)).toEqual([
      '0.weight',
      '1.weight',
      '1.bias',
      '4.weight',
      '4.bias',
    ]);
    expect(net.numParameters()).toBe(3 * 3 * 3 * 4 + 4 + 4 + 8 * 8 * 2 * 4 + 2);
    net.dispose();
  });

  it('round-trips a state dict into a differently seeded twin', () => {
    const a = tinyNet();
    const b = new Sequential(
      new Conv2d(3, 4, 3, { stride: 2, padding: 1, bias: false, seed: 9 }),
      new BatchNorm2d(4),
      new ReLU(),
      new MaxPool2d(3, { stride: 2, padding: 1 }),
      new ConvTranspose2d(4, 2, 8, { stride: 4, padding: 2, seed: 10 }),
    );
    const x = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', 3);
    a.eval();
    b.eval();
    expect(Array.from(a.forward(x).dataSync())).not.toEqual(Array.from(b.forward(x).dataSync()));
    b.loadStateDict(a.stateDict());
    expect(Array.from(a.forward(x).dataSync())).toEqual(Array.from(b.forward(x).dataSync()));
    a.dispose();
    b.dispose();
  });

  it('refuses a wrong shape, naming the key and both shapes, and changes nothing', () => {
    const net = tinyNet();
    const before = Array.from(net.stateDict().get('1.bias')!.dataSync());
    const state = new Map(net.stateDict());
    state.set('1.bias', tf.ones([4]));
    state.set('0.weight', tf.zeros([3, 3, 3, 5]));
    expect(() => net.loadStateDict(state)).toThrow(/0\.weight: expected shape \[3,3,3,4\], got \[3,3,3,5\]/);
    expect(Array.from(net.stateDict().get('1.bias')!.dataSync())).toEqual(before);
    net.dispose();
  });

  it('names missing and unexpected keys when strict, and ignores them when not', () => {
    const net = tinyNet();
    const state = new Map(net.stateDict());
    state.delete('4.bias');
    state.set('fc.weight', tf.zeros([2]));
    expect(() => net.loadStateDict(state)).toThrow(/missing keys: 4\.bias; unexpected keys: fc\.weight/);
    expect(() => net.loadStateDict(state, { strict: false })).not.toThrow();
    net.dispose();
  });

  it('freezes and unfreezes parameters recursively', () => {
    const net = tinyNet();
    (net.at(0) as Conv2d).freeze();
    expect(net.trainableParameters()).toHaveLength(4);
    expect(net.parameters()).toHaveLength(5);
    net.unfreeze();
    expect(net.trainableParameters()).toHaveLength(5);
    net.dispose();
  });

  it('switches train/eval mode on every descendant', () => {
    const net = tinyNet();
    net.eval();
    expect([...net.namedModules()].every(([, m]) => !m.training)).toBe(true);
    net.train();
    expect(net.at(1).training).toBe(true);
    net.dispose();
  });

  it('refuses duplicate member names', () => {
    class Twice extends Sequential {
      constructor() {
        super(new ReLU());
        this.registerModule('0', new ReLU());
      }
    }
    expect(() => new Twice()).toThrow(/already has a member named '0'/);
  });

  it('keeps tf.memory().numTensors flat across SGD training steps and frees everything on dispose', () => {
    const start = tf.memory().numTensors;
    const net = tinyNet();
    const x = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 4);
    const target = tf.randomUniform([2, 16, 16, 2], 0, 1, 'float32', 5);
    const step = () =>
      tf.tidy(() => {
        const params = net.trainableParameters();
        const { value, grads } = tf.variableGrads(
          () => tf.mean(tf.squaredDifference(net.forward(x), target)) as tf.Scalar,
          params,
        );
        for (const p of params) p.assign(tf.sub(p, tf.mul(grads[p.name]!, 0.1)));
        return value.dataSync()[0]!;
      });
    const first = step();
    const afterFirst = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 3; i++) last = step();
    expect(tf.memory().numTensors).toBe(afterFirst);
    expect(last).toBeLessThan(first);
    x.dispose();
    target.dispose();
    net.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
