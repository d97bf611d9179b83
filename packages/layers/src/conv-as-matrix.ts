import * as tf from '@tensorflow/tfjs-core';

/**
 * Convolution written as a matrix multiplication (the FCN chapter's first demonstration).
 *
 * For a single-channel k_h x k_w kernel K and an h x w input (stride 1, no padding), the output has
 * o_h = h - k_h + 1 rows and o_w = w - k_w + 1 columns, and conv(X) = reshape(W · vec(X)), where W is the
 * (o_h·o_w) x (h·w) matrix whose row for output (r, c) holds K at the input positions its window covers:
 *   W[r·o_w + c, (r + i)·w + (c + j)] = K[i, j].
 * The transposed convolution is then reshape(Wᵀ · vec(Y)): it maps an o_h x o_w map back to h x w.
 */
export function convToMatrix(kernel: number[][], inputShape: readonly [number, number]): tf.Tensor2D {
  const [h, w] = inputShape;
  const kh = kernel.length;
  const kw = kernel[0]?.length ?? 0;
  if (kh === 0 || kw === 0 || kernel.some((row) => row.length !== kw)) {
    throw new Error('convToMatrix: kernel must be a non-empty rectangular 2-D array');
  }
  const oh = h - kh + 1;
  const ow = w - kw + 1;
  if (oh < 1 || ow < 1) {
    throw new Error(`convToMatrix: a ${kh}x${kw} kernel does not fit a ${h}x${w} input`);
  }
  const W = new Float32Array(oh * ow * h * w);
  for (let r = 0; r < oh; r++) {
    for (let c = 0; c < ow; c++) {
      const row = (r * ow + c) * h * w;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) W[row + (r + i) * w + (c + j)] = kernel[i]![j]!;
      }
    }
  }
  return tf.tensor2d(W, [oh * ow, h * w]);
}

/** conv(X) computed as W · vec(X), for a 2-D input X; returns the o_h x o_w output. */
export function convByMatmul(x: tf.Tensor2D, kernel: number[][]): tf.Tensor2D {
  const [h, w] = x.shape;
  return tf.tidy(() => {
    const W = convToMatrix(kernel, [h, w]);
    const [oh, ow] = [h - kernel.length + 1, w - kernel[0]!.length + 1];
    return tf.reshape(tf.matMul(W, tf.reshape(x, [h * w, 1])), [oh, ow]);
  });
}

/** The transposed convolution of a 2-D map Y computed as Wᵀ · vec(Y); returns the h x w output. */
export function transposedConvByMatmul(
  y: tf.Tensor2D,
  kernel: number[][],
  outputShape: readonly [number, number],
): tf.Tensor2D {
  const [h, w] = outputShape;
  return tf.tidy(() => {
    const W = convToMatrix(kernel, [h, w]);
    if (W.shape[0] !== y.size) {
      throw new Error(`transposedConvByMatmul: Y has ${y.size} values, the kernel implies ${W.shape[0]}`);
    }
    return tf.reshape(tf.matMul(W, tf.reshape(y, [y.size, 1]), true, false), [h, w]);
  });
}
