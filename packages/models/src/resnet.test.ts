import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { RESNET_BLOCKS, resnet18Trunk, resnet34Trunk } from './resnet.js';

describe('ResNet trunks', () => {
  it('ResNet-18 without pool and fc has 11,176,512 parameters (torchvision: 11,689,512 - fc 513,000)', () => {
    const trunk = resnet18Trunk({ seed: 1 });
    expect(trunk.numParameters()).toBe(11_176_512);
    // 20 BatchNorms (stem, 16 in blocks, 3 in downsamples): 4 state entries each, plus 20 convs.
    expect(trunk.stateDict().size).toBe(20 * 4 + 20);
    expect(trunk.stageChannels).toEqual([64, 128, 256, 512]);
    trunk.dispose();
  });

  it('ResNet-34 without pool and fc has 21,284,672 parameters (torchvision: 21,797,672 - 513,000)', () => {
    const trunk = resnet34Trunk({ seed: 1 });
    expect(trunk.numParameters()).toBe(21_284_672);
    expect(RESNET_BLOCKS.resnet34).toEqual([3, 4, 6, 3]);
    trunk.dispose();
  });

  it('uses torchvision state-dict keys and layouts (HWIO inside)', () => {
    const trunk = resnet18Trunk({ width: 8, seed: 2 });
    const state = trunk.stateDict();
    const keys = [...state.keys()];
    expect(keys.slice(0, 5)).toEqual([
      'conv1.weight',
      'bn1.weight',
      'bn1.bias',
      'bn1.running_mean',
      'bn1.running_var',
    ]);
    expect(keys).toContain('layer2.0.downsample.0.weight');
    expect(keys).not.toContain('layer1.0.downsample.0.weight');
    expect(keys.at(-1)).toBe('layer4.1.bn2.running_var');
    expect(state.get('conv1.weight')!.shape).toEqual([7, 7, 3, 8]);
    expect(state.get('layer3.0.conv1.weight')!.shape).toEqual([3, 3, 16, 32]);
    trunk.dispose();
  });

  it('maps 1x64x96x3 to 1x2x3x512 at full width, and gives stage outputs at strides 4, 8, 16, 32', () => {
    const trunk = resnet18Trunk({ seed: 3 }).eval();
    const x = tf.randomUniform([1, 64, 96, 3], 0, 1, 'float32', 1);
    const before = tf.memory().numTensors;
    const stages = trunk.forwardStages(x);
    expect(stages.map((s) => s.shape)).toEqual([
      [1, 16, 24, 64],
      [1, 8, 12, 128],
      [1, 4, 6, 256],
      [1, 2, 3, 512],
    ]);
    expect(tf.memory().numTensors).toBe(before + 4);
    const y = trunk.forward(x);
    expect(y.shape).toEqual([1, 2, 3, 512]);
    expect(Array.from(y.dataSync())).toEqual(Array.from(stages[3].dataSync()));
    trunk.dispose();
  });

  it('a narrow trunk keeps the strides: 1x320x480x3 gives 1x10x15x(8 * width)', () => {
    const trunk = resnet18Trunk({ width: 4, seed: 4 }).eval();
    expect(trunk.forward(tf.zeros([1, 320, 480, 3])).shape).toEqual([1, 10, 15, 32]);
    trunk.dispose();
  });

  it('is reproducible under a seed', () => {
    const a = resnet18Trunk({ width: 4, seed: 5 });
    const b = resnet18Trunk({ width: 4, seed: 5 });
    const c = resnet18Trunk({ width: 4, seed: 6 });
    const w = (t: typeof a) => Array.from(t.stateDict().get('layer4.1.conv2.weight')!.dataSync());
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    for (const t of [a, b, c]) t.dispose();
  });

  it('refuses input that is not NHWC RGB', () => {
    const trunk = resnet18Trunk({ width: 2, seed: 7 });
    expect(() => trunk.forward(tf.zeros([1, 3, 32, 32]))).toThrow(
      /NHWC images with 3 channels, got shape \[1,3,32,32\]/,
    );
    trunk.dispose();
  });
});
