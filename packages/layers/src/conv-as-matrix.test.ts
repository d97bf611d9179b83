import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { convByMatmul, convToMatrix, transposedConvByMatmul } from './conv-as-matrix.js';

// The chapter's example: X = arange(1, 17) as 4x4, K = arange(1, 10) as 3x3.
const K = [
  [1, 2, 3],
  [4, 5, 6],
  [7, 8, 9],
];
const X = tf.tensor2d(
  Array.from({ length: 16 }, (_, i) => i + 1),
  [4, 4],
);

describe('convolution as matrix multiplication', () => {
  it('builds the chapter printed 4x16 weight matrix W', () => {
    expect(convToMatrix(K, [4, 4]).arraySync()).toEqual([
      [1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0, 0],
      [0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0],
      [0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0],
      [0, 0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9],
    ]);
  });

  it('W · vec(X) gives the chapter output [[348, 393], [528, 573]]', () => {
    expect(convByMatmul(X, K).arraySync()).toEqual([
      [348, 393],
      [528, 573],
    ]);
  });

  it('equals tf.conv2d on a random non-square case', () => {
    const x = tf.randomUniform([5, 7], -1, 1, 'float32', 3) as tf.Tensor2D;
    const k = [
      [0.5, -1],
      [2, 0.25],
      [1, -0.5],
    ];
    const direct = tf.conv2d(
      tf.reshape(x, [1, 5, 7, 1]) as tf.Tensor4D,
      tf.tensor4d(k.flat(), [3, 2, 1, 1]),
      1,
      'valid',
    );
    const viaMatmul = convByMatmul(x, k);
    expect(viaMatmul.shape).toEqual([3, 6]);
    const diff = tf.max(tf.abs(tf.sub(tf.reshape(direct, [3, 6]), viaMatmul))).dataSync()[0]!;
    expect(diff).toBeLessThan(1e-5);
  });

  it('Wᵀ · vec(Y) equals the transposed convolution', () => {
    const y = tf.tensor2d([1, -2, 3, 0.5], [2, 2]);
    const viaMatmul = transposedConvByMatmul(y, K, [4, 4]);
    const direct = tf.conv2dTranspose(
      tf.reshape(y, [1, 2, 2, 1]) as tf.Tensor4D,
      tf.tensor4d(K.flat(), [3, 3, 1, 1]),
      [1, 4, 4, 1],
      1,
      'valid',
    );
    expect(Array.from(viaMatmul.dataSync())).toEqual(Array.from(direct.dataSync()));
  });

  it('refuses a kernel larger than the input', () => {
    expect(() => convToMatrix(K, [2, 5])).toThrow(/does not fit a 2x5 input/);
  });
});
