import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Bottleneck } from './bottleneck.js';
import { BOTTLENECK_BLOCKS, BottleneckResNet, bottleneckArchOf } from './bottleneck-resnet.js';

describe('BottleneckResNet (torchvision ResNet-50/101/152 without avgpool and fc)', () => {
  it('ResNet-50 has 23,508,032 parameters (torchvision: 25,557,032 - fc 2,049,000), torchvision keys, and dilations as torchvision computes them', () => {
    const trunk = new BottleneckResNet(BOTTLENECK_BLOCKS.resnet50, {
      replaceStrideWithDilation: [false, true, true],
      seed: 1,
    });
    expect(trunk.numParameters()).toBe(23_508_032);
    expect(trunk.arch).toBe('resnet50');
    expect(trunk.stageChannels).toEqual([256, 512, 1024, 2048]);
    const state = trunk.stateDict();
    const keys = [...state.keys()];
    expect(keys.slice(0, 2)).toEqual(['conv1.weight', 'bn1.weight']);
    expect(keys).toContain('layer1.0.downsample.0.weight');
    expect(keys).toContain('layer3.5.conv3.weight');
    expect(keys).not.toContain('layer3.6.conv1.weight');
    expect(keys.at(-1)).toBe('layer4.2.bn3.running_var');
    // 53 convs, 53 BatchNorms (4 entries each).
    expect(state.size).toBe(53 + 53 * 4);
    expect(state.get('layer2.0.conv2.weight')!.shape).toEqual([3, 3, 128, 128]);
    // torchvision's _make_layer, as fcn_resnet50().backbone holds them in torchvision 0.14.
    expect(trunk.blockDilations).toEqual([
      [1, 1, 1],
      [1, 1, 1, 1],
      [1, 2, 2, 2, 2, 2],
      [2, 4, 4],
    ]);
    expect(trunk.stageStrides).toEqual([4, 8, 8, 8]);
    expect(trunk.outputStride).toBe(8);
    // The dilated stages start with a stride-1 block whose downsample is a stride-1 1x1 conv.
    const layer3First = trunk.layers[2].at(0) as Bottleneck;
    expect(layer3First.stride).toBe(1);
    expect(layer3First.downsample!.at(0)).toHaveProperty('stride', [1, 1]);
    trunk.dispose();
  });

  it('dilates every stage, or none, as torchvision does', () => {
    const all = new BottleneckResNet([1, 2, 2, 2], {
      replaceStrideWithDilation: [true, true, true],
      seed: 3,
    });
    expect(all.blockDilations).toEqual([[1], [1, 2], [2, 4], [4, 8]]);
    expect(all.outputStride).toBe(4);
    all.dispose();
    const plain = new BottleneckResNet([1, 1, 1, 1], { seed: 4 });
    expect(plain.blockDilations).toEqual([[1], [1], [1], [1]]);
    expect(plain.stageStrides).toEqual([4, 8, 16, 32]);
    plain.dispose();
  });

  it('dilates layer2 only as torchvision does: layer3 and layer4 then take stride 2 with dilation 2', () => {
    const trunk = new BottleneckResNet([1, 2, 2, 2], {
      replaceStrideWithDilation: [true, false, false],
      seed: 7,
    });
    // torchvision 0.14: layer3.0.conv2 has stride 2 and dilation 2, layer4.0.conv2 likewise.
    expect(trunk.blockDilations).toEqual([[1], [1, 2], [2, 2], [2, 2]]);
    expect(trunk.stageStrides).toEqual([4, 4, 8, 16]);
    const y = trunk.forward(tf.zeros([1, 32, 32, 3]));
    expect(y.shape).toEqual([1, 2, 2, 2048]);
    y.dispose();
    trunk.dispose();
    expect(() => new BottleneckResNet([1, 0, 1, 1] as never)).toThrow(/4 positive block counts/);
  });

  it('gives stage outputs at strides 4, 8, 8, 8 with FCN dilation, for an odd size (35x43 -> 9x11, 5x6)', () => {
    const trunk = new BottleneckResNet([1, 1, 1, 1], {
      replaceStrideWithDilation: [false, true, true],
      seed: 5,
    });
    trunk.eval();
    const x = tf.randomNormal([1, 35, 43, 3], 0, 1, 'float32', 6);
    const before = tf.memory().numTensors;
    const stages = trunk.forwardStages(x);
    expect(tf.memory().numTensors).toBe(before + 4);
    expect(stages.map((s) => s.shape)).toEqual([
      [1, 9, 11, 256],
      [1, 5, 6, 512],
      [1, 5, 6, 1024],
      [1, 5, 6, 2048],
    ]);
    const last = trunk.forward(x);
    expect(tf.max(tf.abs(tf.sub(last, stages[3]))).dataSync()[0]).toBe(0);
    tf.dispose([...stages, last, x]);
    expect(() => trunk.forward(tf.zeros([1, 8, 8, 4]))).toThrow(/3 channels/);
    trunk.dispose();
  });

  it('names the architecture from its blocks', () => {
    expect(bottleneckArchOf([3, 4, 23, 3])).toBe('resnet101');
    expect(bottleneckArchOf([3, 8, 36, 3])).toBe('resnet152');
    expect(bottleneckArchOf([3, 4, 6, 4])).toBe('custom');
  });
});
