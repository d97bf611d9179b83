import { pytorchDefaultBias, pytorchDefaultWeight } from '@fcn/init';
import * as tf from '@tensorflow/tfjs-core';
import type { WeightInit } from './conv2d.js';
import { Module } from './module.js';
import { explicitPadding, type Padding2d, pair, type Size2d } from './padding.js';
import { takeSeed } from './seed.js';

export interface ConvTranspose2dOptions {
  stride?: Size2d;
  /** Implicit padding removed from both sides of the output (PyTorch/MXNet semantics). Default 0. */
  padding?: Padding2d;
  /** Extra rows/columns added to one side of the output; must be smaller than the stride. Default 0. */
  outputPadding?: Size2d;
  bias?: boolean;
  seed?: number;
  /** Weight initialiser for the [kh, kw, out, in] filter, e.g. `() => bilinearKernel(c, c, k)`. */
  weightInit?: WeightInit;
}

/**
 * Transposed 2-D convolution over NHWC input with PyTorch/MXNet semantics:
 * out = (in - 1) * stride - 2 * padding + kernel + outputPadding.
 * It is the gradient of `Conv2d` with respect to its input: the matrix of the convolution, transposed.
 * Parameters: `weight` [kh, kw, out, in] (TF.js conv2dTranspose layout), `bias` [out].
 */
export class ConvTranspose2d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Size2d,
    options: ConvTranspose2dOptions = {},
  ) {
    super();
    this.kernelSize = pair(kernelSize);
    this.stride = pair(options.stride ?? 1);
    this.padding = pair(options.padding ?? 0);
    this.outputPadding = pair(options.outputPadding ?? 0);
    if (this.outputPadding[0] >= this.stride[0] || this.outputPadding[1] >= this.stride[1]) {
      throw new Error(
        `ConvTranspose2d: outputPadding [${this.outputPadding}] must be smaller than stride [${this.stride}]`,
      );
    }
    const [kh, kw] = this.kernelSize;
    const seed = takeSeed(options.seed);
    // Read as HWIO, the [kh, kw, out, in] shape gives fanIn = out * kh * kw: PyTorch's own fan for
    // ConvTranspose2d weights, so the default initialisation matches PyTorch's.
    const shape = [kh, kw, outChannels, inChannels];
    const weightInit = options.weightInit ?? pytorchDefaultWeight;
    this.weight = this.registerParameter('weight', weightInit(shape, seed));
    this.bias =
      options.bias === false
        ? null
        : this.registerParameter('bias', pytorchDefaultBias(outChannels, outChannels * kh * kw, seed + 1));
  }

  /** Output height and width for an input of the given height and width. */
  outputSize(height: number, width: number): [number, number] {
    const size = (n: number, axis: 0 | 1) =>
      (n - 1) * this.stride[axis] - 2 * this.padding[axis] + this.kernelSize[axis] + this.outputPadding[axis];
    return [size(height, 0), size(width, 1)];
  }

  forward(x: tf.Tensor): tf.Tensor4D {
    const [n, h, w] = x.shape as [number, number, number, number];
    const [oh, ow] = this.outputSize(h, w);
    if (oh <= 0 || ow <= 0) {
      throw new Error(`ConvTranspose2d: input ${h}x${w} is too small for this kernel/padding`);
    }
    const y = tf.conv2dTranspose(
      x as tf.Tensor4D,
      this.weight as tf.Tensor4D,
      [n, oh, ow, this.outChannels],
      this.stride,
      explicitPadding(this.padding),
    );
    return this.bias ? tf.add(y, this.bias) : y;
  }
}
