import { pytorchDefaultBias, pytorchDefaultWeight } from '@fcn/init';
import * as tf from '@tensorflow/tfjs-core';
import { dilatedConv2d } from './dilated-conv2d.js';
import { Module } from './module.js';
import { explicitPadding, type Padding2d, pair, type Size2d } from './padding.js';
import { takeSeed } from './seed.js';

/** Makes an initial weight of the given shape (layout noted by the layer) from a seed. */
export type WeightInit = (shape: number[], seed: number) => tf.Tensor;

export interface Conv2dOptions {
  stride?: Size2d;
  /** Zero padding added to both sides of each axis (PyTorch semantics). Default 0. */
  padding?: Padding2d;
  dilation?: Size2d;
  /** Default true. */
  bias?: boolean;
  /** Seed of the weight (and, plus one, the bias) initialisation. Default: the next from `manualSeed`. */
  seed?: number;
  /** Weight initialiser; default PyTorch's (U(±1/sqrt(fanIn))). Bias starts at PyTorch's default. */
  weightInit?: WeightInit;
}

/**
 * 2-D convolution over NHWC input, PyTorch semantics: out = floor((in + 2p - d(k-1) - 1) / s) + 1.
 * Parameters: `weight` [kh, kw, in, out] (HWIO), `bias` [out].
 */
export class Conv2d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly stride: [number, number];
  readonly dilation: [number, number];
  readonly padding: [number, number];

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Size2d,
    options: Conv2dOptions = {},
  ) {
    super();
    const [kh, kw] = pair(kernelSize);
    this.stride = pair(options.stride ?? 1);
    this.dilation = pair(options.dilation ?? 1);
    this.padding = pair(options.padding ?? 0);
    const seed = takeSeed(options.seed);
    const shape = [kh, kw, inChannels, outChannels];
    const weightInit = options.weightInit ?? pytorchDefaultWeight;
    this.weight = this.registerParameter('weight', weightInit(shape, seed));
    this.bias =
      options.bias === false
        ? null
        : this.registerParameter('bias', pytorchDefaultBias(outChannels, inChannels * kh * kw, seed + 1));
  }

  forward(x: tf.Tensor): tf.Tensor4D {
    const pad = explicitPadding(this.padding);
    const dilated = this.dilation[0] !== 1 || this.dilation[1] !== 1;
    if (this.bias && !dilated) {
      // One kernel for conv + bias where the backend fuses them (XNNPACK on wasm does).
      return tf.fused.conv2d({
        x: x as tf.Tensor4D,
        filter: this.weight as tf.Tensor4D,
        strides: this.stride,
        pad,
        bias: this.bias,
      });
    }
    const y = dilated
      ? // TF.js has no gradient for a dilated conv2d (nor stride with dilation): our own, on every backend.
        dilatedConv2d(x as tf.Tensor4D, this.weight as tf.Tensor4D, {
          stride: this.stride,
          padding: this.padding,
          dilation: this.dilation,
        })
      : tf.conv2d(x as tf.Tensor4D, this.weight as tf.Tensor4D, this.stride, pad, 'NHWC');
    return this.bias ? tf.add(y, this.bias) : y;
  }
}
