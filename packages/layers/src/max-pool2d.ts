import * as tf from '@tensorflow/tfjs-core';
import { Module } from './module.js';
import { pair, type Size2d } from './padding.js';

export interface MaxPool2dOptions {
  /** Default: the kernel size (PyTorch's default). */
  stride?: Size2d;
  /** Padding on both sides of each axis; padded cells never win the max. Default 0. */
  padding?: number;
}

/**
 * Max pooling over NHWC input with PyTorch semantics (ceil_mode=False):
 * out = floor((in + 2p - k) / s) + 1, padding treated as -infinity. ResNet's stem uses k=3, s=2, p=1.
 */
export class MaxPool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: number;

  constructor(kernelSize: Size2d, options: MaxPool2dOptions = {}) {
    super();
    this.kernelSize = pair(kernelSize);
    this.stride = pair(options.stride ?? kernelSize);
    this.padding = options.padding ?? 0;
    if (2 * this.padding > Math.min(...this.kernelSize)) {
      throw new Error(`MaxPool2d: padding ${this.padding} must be at most half the kernel size`);
    }
  }

  forward(x: tf.Tensor): tf.Tensor4D {
    return tf.maxPool(x as tf.Tensor4D, this.kernelSize, this.stride, this.padding);
  }
}
