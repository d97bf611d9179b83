import { BatchNorm2d, Conv2d, Module, ReLU, Sequential } from '@fcn/layers';
import * as tf from '@tensorflow/tfjs-core';
import { resnetConv, resnetConvInit } from '../basic-block.js';

/** Channel expansion of a Bottleneck: its output has 4 times its `planes` channels. */
export const BOTTLENECK_EXPANSION = 4;

export interface BottleneckOptions {
  /** Stride of the 3x3 conv (and of the downsample). Default 1. */
  stride?: number;
  /** Dilation of the 3x3 conv, whose padding equals it (so stride 1 keeps the size). Default 1. */
  dilation?: number;
  /** Give the block a `downsample` (1x1 conv with the stride, then BatchNorm). */
  downsample?: boolean;
}

/**
 * torchvision's `Bottleneck` (ResNet v1.5, as in ResNet-50/101/152): a 1x1 conv to `planes` channels,
 * a 3x3 conv with the block's stride and dilation (padding = dilation), a 1x1 conv expanding to
 * 4 x planes, each followed by BatchNorm, and the shortcut (identity, or `downsample`: 1x1 conv with the
 * stride, then BatchNorm):
 *   y = relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))) + shortcut(x)).
 * State-dict keys are torchvision's: conv1, bn1, conv2, bn2, conv3, bn3, downsample.0, downsample.1.
 * Convs start from Kaiming normal (fan-out), BatchNorm from weight 1, bias 0, as torchvision's ResNet.
 */
export class Bottleneck extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly conv3: Conv2d;
  readonly bn3: BatchNorm2d;
  readonly relu: ReLU;
  readonly downsample: Sequential | null;
  readonly stride: number;
  readonly dilation: number;
  readonly outChannels: number;

  constructor(
    readonly inChannels: number,
    readonly planes: number,
    nextSeed: () => number,
    options: BottleneckOptions = {},
  ) {
    super();
    const { stride = 1, dilation = 1, downsample = false } = options;
    this.stride = stride;
    this.dilation = dilation;
    this.outChannels = planes * BOTTLENECK_EXPANSION;
    this.conv1 = this.registerModule('conv1', resnetConv(inChannels, planes, 1, 1, 0, nextSeed()));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(planes));
    this.conv2 = this.registerModule('conv2', conv3x3(planes, stride, dilation, nextSeed()));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(planes));
    this.conv3 = this.registerModule('conv3', resnetConv(planes, this.outChannels, 1, 1, 0, nextSeed()));
    this.bn3 = this.registerModule('bn3', new BatchNorm2d(this.outChannels));
    this.relu = this.registerModule('relu', new ReLU());
    this.downsample = downsample
      ? this.registerModule(
          'downsample',
          new Sequential(
            resnetConv(inChannels, this.outChannels, 1, stride, 0, nextSeed()),
            new BatchNorm2d(this.outChannels),
          ),
        )
      : null;
  }

  forward(x: tf.Tensor): tf.Tensor4D {
    return tf.tidy(() => {
      let h = tf.relu(this.bn1.forward(this.conv1.forward(x)));
      h = tf.relu(this.bn2.forward(this.conv2.forward(h)));
      const y = this.bn3.forward(this.conv3.forward(h));
      const shortcut = this.downsample ? this.downsample.forward(x) : x;
      return tf.relu(tf.add(y, shortcut)) as tf.Tensor4D;
    });
  }
}

/** torchvision's `conv3x3(width, width, stride, groups=1, dilation)`: padding = dilation, no bias. */
function conv3x3(channels: number, stride: number, dilation: number, seed: number): Conv2d {
  return new Conv2d(channels, channels, 3, {
    stride,
    padding: dilation,
    dilation,
    bias: false,
    seed,
    weightInit: resnetConvInit,
  });
}
