import * as tf from '@tensorflow/tfjs-core';
import { Module } from './module.js';

export class ReLU extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    return tf.relu(x);
  }
}

/** Passes its input through unchanged (a placeholder where a block has no downsample, say). */
export class Identity extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    return x;
  }
}
