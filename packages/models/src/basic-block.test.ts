import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BasicBlock } from './basic-block.js';
import { seedSequence } from './seeds.js';

describe('BasicBlock', () => {
  it('has torchvision keys, and a downsample only where the stride or width changes', () => {
    const same = new BasicBlock(4, 4, 1, seedSequence(1));
    const down = new BasicBlock(4, 8, 2, seedSequence(2));
    expect([...same.stateDict().keys()]).toEqual([
      'conv1.weight',
      'bn1.weight',
      'bn1.bias',
      'bn1.running_mean',
      'bn1.running_var',
      'conv2.weight',
      'bn2.weight',
      'bn2.bias',
      'bn2.running_mean',
      'bn2.running_var',
    ]);
    expect([...down.stateDict().keys()].filter((k) => k.startsWith('downsample'))).toEqual([
      'downsample.0.weight',
      'downsample.1.weight',
      'downsample.1.bias',
      'downsample.1.running_mean',
      'downsample.1.running_var',
    ]);
    expect(down.stateDict().get('downsample.0.weight')!.shape).toEqual([1, 1, 4, 8]);
    expect(same.downsample).toBeNull();
    same.dispose();
    down.dispose();
  });

  it('adds the identity shortcut: with the residual branch zeroed, y = relu(x)', () => {
    const block = new BasicBlock(3, 3, 1, seedSequence(3));
    block.eval();
    block.bn2.weight.assign(tf.zeros([3]));
    const x = tf.randomUniform([1, 5, 6, 3], -1, 1, 'float32', 4);
    const y = block.forward(x);
    expect(Array.from(y.dataSync())).toEqual(Array.from(tf.relu(x).dataSync()));
    // With the branch live, the output differs from the shortcut alone.
    block.bn2.weight.assign(tf.ones([3]));
    expect(Array.from(block.forward(x).dataSync())).not.toEqual(Array.from(tf.relu(x).dataSync()));
    block.dispose();
  });

  it('halves height and width with stride 2 (PyTorch padding: 7 -> 4)', () => {
    const block = new BasicBlock(2, 6, 2, seedSequence(5));
    expect(block.forward(tf.zeros([2, 7, 10, 2])).shape).toEqual([2, 4, 5, 6]);
    block.dispose();
  });

  it('starts convs from Kaiming normal with fan-out (torchvision), std sqrt(2 / (out * k * k))', () => {
    const block = new BasicBlock(64, 64, 1, seedSequence(6));
    const w = block.conv1.weight.dataSync();
    let sq = 0;
    for (const v of w) sq += v * v;
    expect(Math.sqrt(sq / w.length)).toBeCloseTo(Math.sqrt(2 / (64 * 9)), 2);
    block.dispose();
  });
});
