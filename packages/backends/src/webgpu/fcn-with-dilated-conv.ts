import { Conv2d, Module } from '@fcn/layers';
import { type FCN, fcn } from '@fcn/models';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * Test support: a small FCN (ResNet-18 trunk at `width`, the bilinear k64/s32/p16 upsampler) followed
 * by a 3x3 `Conv2d` with dilation 2 over its logits (padding 2 keeps the size), so one model holds
 * every kind of convolution training runs: strided, 1x1, transposed and dilated. Parameters are named
 * `fcn.…` and `dilated.…`.
 */
export class FcnWithDilatedConv extends Module {
  readonly fcn: FCN;
  readonly dilated: Conv2d;

  constructor(numClasses: number, width: number, seed: number) {
    super();
    this.fcn = this.registerModule('fcn', fcn({ numClasses, trunk: { arch: 'resnet18', width }, seed }));
    this.dilated = this.registerModule(
      'dilated',
      new Conv2d(numClasses, numClasses, 3, { dilation: 2, padding: 2, seed: seed + 1 }),
    );
  }

  forward(x: tf.Tensor): tf.Tensor4D {
    return this.dilated.forward(this.fcn.forward(x));
  }
}
