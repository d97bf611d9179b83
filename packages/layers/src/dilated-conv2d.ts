import * as tf from '@tensorflow/tfjs-core';
import { type Padding2d, pair, type Size2d } from './padding.js';

export interface DilatedConv2dOptions {
  /** Default 1. */
  stride?: Size2d;
  /** Zero padding added to both sides of each axis (PyTorch semantics). Default 0. */
  padding?: Padding2d;
  /** Default 1. */
  dilation?: Size2d;
}

type Pair = [number, number];

/**
 * Differentiable NHWC convolution (filter HWIO, no bias) for any stride, padding and dilation, with
 * PyTorch semantics: out = floor((in + 2p - d(k-1) - 1) / s) + 1 per axis.
 *
 * TF.js computes a dilated convolution forward but has no gradient for it, and refuses stride and
 * dilation above 1 together. Here every step is an op that all backends run forward (Conv2D with
 * dilation or with stride, pad, slice, reshape, transpose, reverse):
 * - dilation 1: `tf.conv2d` itself (its own gradients);
 * - stride 1: one Conv2D with dilation, whose gradients ({@link stride1DilatedConv}) are two more
 *   Conv2Ds, dX with dilation and dW with stride;
 * - stride and dilation sharing a factor g per axis (s = d = 2, say): only every g-th row of the
 *   padded input is ever read, so the input is subsampled by g first (exact, no wasted work);
 * - what remains with stride > 1 and dilation > 1 (coprime, e.g. s 2 d 3, or stride on one axis and
 *   dilation on the other): the stride-1 dilated convolution, subsampled (s_h·s_w times the work).
 */
export function dilatedConv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  options: DilatedConv2dOptions = {},
): tf.Tensor4D {
  const stride = positivePair('stride', options.stride ?? 1);
  const dilation = positivePair('dilation', options.dilation ?? 1);
  const padding = pair(options.padding ?? 0);
  if (!padding.every((p) => Number.isInteger(p) && p >= 0)) {
    throw new Error(`dilatedConv2d: padding must be non-negative integers, got [${padding}]`);
  }
  const [, height, width, channels] = x.shape;
  const [kh, kw, filterChannels] = filter.shape;
  if (channels !== filterChannels) {
    throw new Error(
      `dilatedConv2d: input has ${channels} channels but the filter [${filter.shape}] (HWIO) expects ${filterChannels}`,
    );
  }
  const kernel: Pair = [kh, kw];
  const size: Pair = [height, width];
  const out = [0, 1].map(
    (a) => Math.floor((size[a]! + 2 * padding[a]! - dilation[a]! * (kernel[a]! - 1) - 1) / stride[a]!) + 1,
  ) as Pair;
  if (out[0] < 1 || out[1] < 1) {
    throw new Error(
      `dilatedConv2d: input ${height}x${width} is too small for kernel [${kernel}] with padding [${padding}] and dilation [${dilation}]`,
    );
  }
  if (dilation[0] === 1 && dilation[1] === 1) {
    return tf.conv2d(x, filter, stride, explicitPad(padding), 'NHWC');
  }
  if (stride[0] === 1 && stride[1] === 1) return stride1DilatedConv(x, filter, padding, dilation);

  return tf.tidy(() => {
    // Per axis g = gcd(s, d): the padded rows read are o*s + t*d, all multiples of g.
    const g = [0, 1].map((a) => gcd(stride[a]!, dilation[a]!)) as Pair;
    const s = [0, 1].map((a) => stride[a]! / g[a]!) as Pair;
    const d = [0, 1].map((a) => dilation[a]! / g[a]!) as Pair;
    let input = x;
    let pad = padding;
    if (g[0] > 1 || g[1] > 1) {
      // Rows 0, g, 2g, ... of the padded input, as many as the reduced convolution reads.
      const rows = [0, 1].map((a) => (out[a]! - 1) * s[a]! + (kernel[a]! - 1) * d[a]! + 1) as Pair;
      input = everyNth(padOrCrop(x, padding, rows, g), g);
      pad = [0, 0];
    }
    if (d[0] === 1 && d[1] === 1) return tf.conv2d(input, filter, s, explicitPad(pad), 'NHWC');
    if (s[0] === 1 && s[1] === 1) return stride1DilatedConv(input, filter, pad, d);
    const full = stride1DilatedConv(input, filter, pad, d);
    return everyNth(padOrCrop(full, [0, 0], out, s), s);
  });
}

/**
 * Stride-1 convolution with dilation d and padding p, with its gradients as convolutions:
 *
 *   y[o] = sum_t xp[o + t·d] w[t]                                 (xp: x padded by p)
 *   dX[i] = sum_t dy[i + p - t·d] w[t]: dy padded by d(k-1) - p (cropped where negative) and
 *           convolved with w flipped and in/out swapped, dilation d;
 *   dW[t] = sum_o xp[o + t·d] dy[o]: x as [Cin, H, W, N] convolved with dy as a [Ho, Wo, N, Cout]
 *           filter, stride d, padding p, giving exactly k rows; transposed back to HWIO.
 */
function stride1DilatedConv(x: tf.Tensor4D, filter: tf.Tensor4D, padding: Pair, dilation: Pair): tf.Tensor4D {
  const conv = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, weight, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([input, weight]);
    const value = tf.conv2d(input, weight, 1, explicitPad(padding), 'NHWC', dilation);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
      const dy4 = dy as tf.Tensor4D;
      const [kh, kw] = ws.shape;
      const reach = [dilation[0] * (kh - 1) - padding[0], dilation[1] * (kw - 1) - padding[1]];
      const dyCropped = cropBothSides(dy4, [Math.max(0, -reach[0]!), Math.max(0, -reach[1]!)]);
      const flipped = tf.transpose(tf.reverse(ws, [0, 1]), [0, 1, 3, 2]);
      const dx = tf.conv2d(
        dyCropped,
        flipped,
        1,
        explicitPad([Math.max(0, reach[0]!), Math.max(0, reach[1]!)]),
        'NHWC',
        dilation,
      );
      const perChannel = tf.conv2d(
        tf.transpose(xs, [3, 1, 2, 0]),
        tf.transpose(dy4, [1, 2, 0, 3]),
        dilation,
        explicitPad(padding),
        'NHWC',
      );
      return [dx, tf.transpose(perChannel, [1, 2, 0, 3])];
    };
    return { value, gradFunc };
  });
  return conv(x, filter) as tf.Tensor4D;
}

/** Pads by `padding` before each spatial axis and pads or crops after so that it is `rows * step` long. */
function padOrCrop(x: tf.Tensor4D, padding: Pair, rows: Pair, step: Pair): tf.Tensor4D {
  const [, height, width] = x.shape;
  const after = [rows[0] * step[0] - height - padding[0], rows[1] * step[1] - width - padding[1]] as Pair;
  const padded = tf.pad(x, [
    [0, 0],
    [padding[0], Math.max(0, after[0])],
    [padding[1], Math.max(0, after[1])],
    [0, 0],
  ]);
  if (after[0] >= 0 && after[1] >= 0) return padded;
  return tf.slice(padded, [0, 0, 0, 0], [-1, rows[0] * step[0], rows[1] * step[1], -1]);
}

/**
 * Rows and columns 0, step, 2·step, ... of `x`, whose height and width are multiples of the steps:
 * rank-3 reshapes and slices (whose gradients TF.js has: reshape and pad).
 */
function everyNth(x: tf.Tensor4D, step: Pair): tf.Tensor4D {
  const [n, height, width, c] = x.shape;
  const rows = height / step[0];
  const cols = width / step[1];
  let out: tf.Tensor = x;
  if (step[0] > 1) {
    out = tf.slice(tf.reshape(out, [n, rows, step[0] * width * c]), [0, 0, 0], [n, rows, width * c]);
  }
  if (step[1] > 1) {
    out = tf.slice(tf.reshape(out, [n * rows, cols, step[1] * c]), [0, 0, 0], [n * rows, cols, c]);
  }
  return tf.reshape(out, [n, rows, cols, c]);
}

function cropBothSides(x: tf.Tensor4D, crop: Pair): tf.Tensor4D {
  if (crop[0] === 0 && crop[1] === 0) return x;
  const [n, height, width, c] = x.shape;
  return tf.slice(x, [0, crop[0], crop[1], 0], [n, height - 2 * crop[0], width - 2 * crop[1], c]);
}

function explicitPad([ph, pw]: Pair): tf.backend_util.ExplicitPadding | 'valid' {
  if (ph === 0 && pw === 0) return 'valid';
  return [
    [0, 0],
    [ph, ph],
    [pw, pw],
    [0, 0],
  ];
}

function positivePair(name: string, value: Size2d): Pair {
  const p = pair(value);
  if (!p.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new Error(`dilatedConv2d: ${name} must be positive integers, got [${p}]`);
  }
  return p;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
