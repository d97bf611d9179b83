import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { seedSequence } from '../seeds.js';
import { Bottleneck } from './bottleneck.js';

describe('Bottleneck (torchvision ResNet v1.5)', () => {
  it("has torchvision's keys and shapes: 1x1 reduce, 3x3, 1x1 expand x4, downsample.0/.1", () => {
    const block = new Bottleneck(8, 4, seedSequence(1), { stride: 2, downsample: true });
    const state = block.stateDict();
    const bn = (p: string) => ['weight', 'bias', 'running_mean', 'running_var'].map((n) => `${p}.${n}`);
    expect([...state.keys()]).toEqual([
      'conv1.weight',
      ...bn('bn1'),
      'conv2.weight',
      ...bn('bn2'),
      'conv3.weight',
      ...bn('bn3'),
      'downsample.0.weight',
      ...bn('downsample.1'),
    ]);
    // HWIO inside.
    expect(state.get('conv1.weight')!.shape).toEqual([1, 1, 8, 4]);
    expect(state.get('conv2.weight')!.shape).toEqual([3, 3, 4, 4]);
    expect(state.get('conv3.weight')!.shape).toEqual([1, 1, 4, 16]);
    expect(state.get('downsample.0.weight')!.shape).toEqual([1, 1, 8, 16]);
    // v1.5: the stride sits on the 3x3 conv (and the downsample), not on conv1.
    expect(block.conv1.stride).toEqual([1, 1]);
    expect(block.conv2.stride).toEqual([2, 2]);
    expect(block.downsample!.at(0)).toHaveProperty('stride', [2, 2]);
    expect(block.outChannels).toBe(16);
    expect(new Bottleneck(16, 4, seedSequence(2)).downsample).toBeNull();
    block.dispose();
  });

  it('stride 2 halves the size as PyTorch does (7 -> 4); dilation d pads by d and keeps it', () => {
    const strided = new Bottleneck(4, 2, seedSequence(3), { stride: 2, downsample: true });
    expect(strided.forward(tf.zeros([2, 7, 10, 4])).shape).toEqual([2, 4, 5, 8]);
    const dilated = new Bottleneck(8, 2, seedSequence(4), { dilation: 4 });
    expect(dilated.conv2.dilation).toEqual([4, 4]);
    expect(dilated.conv2.padding).toEqual([4, 4]);
    expect(dilated.forward(tf.zeros([1, 9, 12, 8])).shape).toEqual([1, 9, 12, 8]);
    strided.dispose();
    dilated.dispose();
  });

  it('adds the identity shortcut: with bn3 zeroed, y = relu(x); live, it differs', () => {
    const block = new Bottleneck(8, 2, seedSequence(5), { dilation: 2 }).eval();
    const x = tf.randomUniform([1, 6, 5, 8], -1, 1, 'float32', 6);
    block.bn3.weight.assign(tf.zeros([8]));
    expect(Array.from(block.forward(x).dataSync())).toEqual(Array.from(tf.relu(x).dataSync()));
    block.bn3.weight.assign(tf.ones([8]));
    expect(Array.from(block.forward(x).dataSync())).not.toEqual(Array.from(tf.relu(x).dataSync()));
    block.dispose();
  });

  it('matches a dilated 3x3 conv computed by hand on one pixel', () => {
    // The 3x3 conv alone, with one channel: dilation 2 spaces its taps two pixels apart.
    const block = new Bottleneck(4, 1, seedSequence(7), { dilation: 2 }).eval();
    const x = tf.randomUniform([1, 5, 5, 1], 0, 1, 'float32', 8) as tf.Tensor4D;
    const y = block.conv2.forward(x);
    const w = block.conv2.weight.arraySync() as number[][][][];
    const xs = (x.arraySync() as number[][][][])[0]!;
    let expected = 0;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) expected += w[i]![j]![0]![0]! * xs[2 * i]![2 * j]![0]!;
    // Output (2, 2) reads input (2 + 2(i - 1), 2 + 2(j - 1)) = (2i, 2j) with padding 2.
    expect((y.arraySync() as number[][][][])[0]![2]![2]![0]).toBeCloseTo(expected, 5);
    block.dispose();
  });

  it('takes stride and dilation together (torchvision: a stage after a dilated one), sized as PyTorch', () => {
    const block = new Bottleneck(8, 2, seedSequence(9), { stride: 2, dilation: 2, downsample: true });
    // floor((9 + 2*2 - 2*2 - 1) / 2) + 1 = 5, and the 1x1 stride-2 downsample agrees.
    expect(block.forward(tf.zeros([1, 9, 12, 8])).shape).toEqual([1, 5, 6, 8]);
    block.dispose();
  });
});
