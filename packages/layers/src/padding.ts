import type * as tf from '@tensorflow/tfjs-core';

/** PyTorch-style padding: one number for both axes or [height, width], applied symmetrically. */
export type Padding2d = number | readonly [number, number];

/** Two-axis sizes such as kernel, stride or dilation: one number for both axes or [height, width]. */
export type Size2d = number | readonly [number, number];

export function pair(value: Size2d): [number, number] {
  return typeof value === 'number' ? [value, value] : [value[0], value[1]];
}

/**
 * TF.js explicit NHWC padding for a symmetric PyTorch padding. Explicit numbers everywhere: TF.js 'same'
 * pads differently from PyTorch/MXNet at stride 2.
 */
export function explicitPadding(padding: Padding2d): tf.backend_util.ExplicitPadding | 'valid' {
  const [ph, pw] = pair(padding);
  if (ph < 0 || pw < 0 || !Number.isInteger(ph) || !Number.isInteger(pw)) {
    throw new Error(`padding must be non-negative integers, got ${JSON.stringify(padding)}`);
  }
  if (ph === 0 && pw === 0) return 'valid';
  return [
    [0, 0],
    [ph, ph],
    [pw, pw],
    [0, 0],
  ];
}
