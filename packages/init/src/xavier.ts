import type * as tf from '@tensorflow/tfjs-core';
import { computeFans, type WeightLayout } from './fans.js';
import { seededNormal, seededUniform } from './random.js';

export interface XavierOptions {
  seed: number;
  /** 'uniform' draws from U(-s, s); 'normal' from N(0, s²). Default 'uniform' (MXNet's default). */
  distribution?: 'uniform' | 'normal';
  /** Which fan divides the magnitude: 'avg' = (in + out) / 2 (default), 'in' or 'out'. */
  factor?: 'avg' | 'in' | 'out';
  /** MXNet's `magnitude`; s = sqrt(magnitude / fan). Default 3, MXNet's `init.Xavier()`. */
  magnitude?: number;
  layout?: WeightLayout;
}

/**
 * Xavier/Glorot initialisation with MXNet's parameterisation: scale s = sqrt(magnitude / factor).
 * The defaults (uniform, 'avg', magnitude 3) are MXNet's `init.Xavier()`, which the FCN chapter uses for
 * its 1x1 class-score conv, and equal Glorot uniform (limit sqrt(6 / (in + out))).
 */
export function xavier(shape: readonly number[], options: XavierOptions): tf.Tensor {
  const { seed, distribution = 'uniform', factor = 'avg', magnitude = 3, layout = 'HWIO' } = options;
  const { fanIn, fanOut } = computeFans(shape, layout);
  const fan = factor === 'avg' ? (fanIn + fanOut) / 2 : factor === 'in' ? fanIn : fanOut;
  const scale = Math.sqrt(magnitude / fan);
  return distribution === 'uniform' ? seededUniform(shape, scale, seed) : seededNormal(shape, scale, seed);
}

/** Glorot uniform: U(-sqrt(6 / (in + out)), +sqrt(6 / (in + out))), as PyTorch's `xavier_uniform_`. */
export function glorotUniform(shape: readonly number[], seed: number, layout?: WeightLayout): tf.Tensor {
  return xavier(shape, { seed, distribution: 'uniform', factor: 'avg', magnitude: 3, layout });
}

/** Glorot normal: N(0, 2 / (in + out)), as PyTorch's `xavier_normal_`. */
export function glorotNormal(shape: readonly number[], seed: number, layout?: WeightLayout): tf.Tensor {
  return xavier(shape, { seed, distribution: 'normal', factor: 'avg', magnitude: 1, layout });
}
