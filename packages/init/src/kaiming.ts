import type * as tf from '@tensorflow/tfjs-core';
import { computeFans, type WeightLayout } from './fans.js';
import { seededNormal, seededUniform } from './random.js';

export interface KaimingOptions {
  seed: number;
  /** Default 'normal'. */
  distribution?: 'uniform' | 'normal';
  /** Default 'fanIn'; torchvision's ResNets use 'fanOut'. */
  mode?: 'fanIn' | 'fanOut';
  /** Leaky-ReLU negative slope a; gain = sqrt(2 / (1 + a²)). Default 0 (ReLU). */
  negativeSlope?: number;
  layout?: WeightLayout;
}

/**
 * Kaiming/He initialisation with PyTorch's semantics (`kaiming_normal_`, `kaiming_uniform_`):
 * std = gain / sqrt(fan); the uniform bound is sqrt(3) * std.
 */
export function kaiming(shape: readonly number[], options: KaimingOptions): tf.Tensor {
  const { seed, distribution = 'normal', mode = 'fanIn', negativeSlope = 0, layout = 'HWIO' } = options;
  const fans = computeFans(shape, layout);
  const fan = mode === 'fanIn' ? fans.fanIn : fans.fanOut;
  const std = Math.sqrt(2 / (1 + negativeSlope * negativeSlope)) / Math.sqrt(fan);
  return distribution === 'uniform'
    ? seededUniform(shape, Math.sqrt(3) * std, seed)
    : seededNormal(shape, std, seed);
}

/**
 * PyTorch's default for Conv2d/ConvTranspose2d/Linear weights: `kaiming_uniform_(a=sqrt(5))`,
 * i.e. U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
 */
export function pytorchDefaultWeight(
  shape: readonly number[],
  seed: number,
  layout?: WeightLayout,
): tf.Tensor {
  return kaiming(shape, {
    seed,
    distribution: 'uniform',
    mode: 'fanIn',
    negativeSlope: Math.sqrt(5),
    layout,
  });
}

/** PyTorch's default bias: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) where fanIn is the weight's. */
export function pytorchDefaultBias(size: number, fanIn: number, seed: number): tf.Tensor {
  return seededUniform([size], fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0, seed);
}
