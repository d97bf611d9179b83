import * as tf from '@tensorflow/tfjs-core';

/** A float32 tensor of the given shape filled with `value`. */
export function constant(shape: readonly number[], value: number): tf.Tensor {
  return tf.fill([...shape], value, 'float32');
}

export function zeros(shape: readonly number[]): tf.Tensor {
  return tf.zeros([...shape], 'float32');
}

export function ones(shape: readonly number[]): tf.Tensor {
  return tf.ones([...shape], 'float32');
}
