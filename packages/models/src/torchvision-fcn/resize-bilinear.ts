import * as tf from '@tensorflow/tfjs-core';

/**
 * The [outSize, inSize] matrix of 1-D linear interpolation with PyTorch's `align_corners=False`
 * (`F.interpolate(..., mode='bilinear')`, no antialiasing): output i reads the input at
 * src = (i + 0.5) * inSize / outSize - 0.5, clamped below at 0, with weight 1 - frac(src) at floor(src)
 * and frac(src) at the next index (the last index when floor(src) is the last). Each row sums to 1.
 */
export function bilinearMatrix(inSize: number, outSize: number): Float32Array {
  if (!Number.isInteger(inSize) || !Number.isInteger(outSize) || inSize < 1 || outSize < 1) {
    throw new Error(`bilinear resize sizes must be positive integers, got ${inSize} -> ${outSize}`);
  }
  const m = new Float32Array(outSize * inSize);
  const scale = inSize / outSize;
  for (let i = 0; i < outSize; i++) {
    const src = Math.max((i + 0.5) * scale - 0.5, 0);
    const lo = Math.min(Math.floor(src), inSize - 1);
    const hi = Math.min(lo + 1, inSize - 1);
    const frac = src - lo;
    m[i * inSize + lo] = 1 - frac;
    m[i * inSize + hi] = m[i * inSize + hi]! + frac;
  }
  return m;
}

/**
 * Bilinear resize of NHWC `x` to `[height, width]` with PyTorch's
 * `F.interpolate(x, size, mode='bilinear', align_corners=False)` semantics, as two matrix products with
 * the interpolation matrices (one per axis). It is exact and differentiable on every backend: TF.js's
 * own `resizeBilinear` agrees in the forward pass with `halfPixelCenters`, but its cpu gradient kernel
 * ignores `halfPixelCenters` (it uses src = i * in / out), so training through it would be wrong.
 * An axis whose size does not change is left as it is.
 */
export function interpolateBilinear(x: tf.Tensor4D, size: readonly [number, number]): tf.Tensor4D {
  if (x.rank !== 4) throw new Error(`interpolateBilinear expects NHWC (rank 4), got shape [${x.shape}]`);
  const [n, h, w, c] = x.shape;
  const [outH, outW] = size;
  bilinearMatrix(h, outH); // validates the sizes
  bilinearMatrix(w, outW);
  if (outH === h && outW === w) return tf.clone(x);
  return tf.tidy(() => {
    // [n, h, w, c] -> [h, n, w, c]: height leads, so one matrix product interpolates it.
    let t: tf.Tensor = tf.transpose(x, [1, 0, 2, 3]);
    if (outH !== h) {
      const a = tf.tensor2d(bilinearMatrix(h, outH), [outH, h]);
      t = tf.reshape(tf.matMul(a, tf.reshape(t, [h, n * w * c])), [outH, n, w, c]);
    }
    // [H, n, w, c] -> [w, n, H, c]: width leads.
    t = tf.transpose(t, [2, 1, 0, 3]);
    if (outW !== w) {
      const a = tf.tensor2d(bilinearMatrix(w, outW), [outW, w]);
      t = tf.reshape(tf.matMul(a, tf.reshape(t, [w, n * outH * c])), [outW, n, outH, c]);
    }
    // [W, n, H, c] -> [n, H, W, c].
    return tf.transpose(t, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}
