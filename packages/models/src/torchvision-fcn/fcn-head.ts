import { BatchNorm2d, Conv2d, ReLU, Sequential } from '@fcn/layers';
import type * as tf from '@tensorflow/tfjs-core';
import { tidy } from '@tensorflow/tfjs-core';
import { Dropout } from './dropout.js';

/**
 * torchvision's `FCNHead` (an `nn.Sequential`): 3x3 conv `inChannels` -> `inChannels / 4` (padding 1,
 * no bias), BatchNorm, ReLU, Dropout(0.1), 1x1 conv -> `numClasses` (with bias). The children are named
 * by index as in PyTorch, so its state-dict keys are `0.weight`, `1.weight`, `1.bias`,
 * `1.running_mean`, `1.running_var`, `4.weight`, `4.bias` (ReLU and Dropout hold nothing). The convs
 * start from PyTorch's default initialisation (torchvision leaves them at it), BatchNorm at 1 and 0.
 */
export class FCNHead extends Sequential {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;
  readonly dropout: Dropout;
  readonly scores: Conv2d;

  constructor(
    readonly inChannels: number,
    readonly numClasses: number,
    nextSeed: () => number,
  ) {
    if (!Number.isInteger(inChannels) || inChannels < 4) {
      throw new Error(`FCNHead needs at least 4 input channels, got ${inChannels}`);
    }
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new Error(`numClasses must be a positive integer, got ${numClasses}`);
    }
    const inter = Math.floor(inChannels / 4);
    const conv = new Conv2d(inChannels, inter, 3, { padding: 1, bias: false, seed: nextSeed() });
    const bn = new BatchNorm2d(inter);
    const dropout = new Dropout(0.1, { seed: nextSeed() });
    const scores = new Conv2d(inter, numClasses, 1, { seed: nextSeed() });
    super(conv, bn, new ReLU(), dropout, scores);
    this.conv = conv;
    this.bn = bn;
    this.dropout = dropout;
    this.scores = scores;
  }

  /** Class scores at the input's resolution, NHWC; intermediates freed. */
  override forward(x: tf.Tensor): tf.Tensor4D {
    return tidy(() => super.forward(x)) as tf.Tensor4D;
  }
}
