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
 * dilation or with stride, pad, slice, reshape, transpose, reverse, concat):
 * - dilation 1: `tf.conv2d` itself, with TF.js's gradients (Conv2DBackpropInput/Filter, which wasm
 *   gets from `@fcn/wasm-kernels`), as undilated `Conv2d` always had;
 * - stride 1: one Conv2D with dilation, under `tf.customGrad`: dX is a Conv2D with dilation, dW one
 *   1x1 Conv2D (a matrix product) per tap ({@link stride1DilatedConv});
 * - stride and dilation sharing a factor g per axis (s = d = 2, say): only every g-th row of the
 *   padded input is ever read, so the input is subsampled by g first (exact, no wasted work), and
 *   what remains is one of the cases above;
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
 * Stride-1 convolution with dilation d and padding p (xp: x padded by p), y[o] = sum_t xp[o + t·d] w[t],
 * with its gradients ({@link inputGrad}, {@link filterGrad}) made of forward ops.
 */
function stride1DilatedConv(x: tf.Tensor4D, filter: tf.Tensor4D, padding: Pair, dilation: Pair): tf.Tensor4D {
  const conv = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, weight, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([input, weight]);
    const value = tf.conv2d(input, weight, 1, explicitPad(padding), 'NHWC', dilation);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
      return tf.tidy(() => [
        inputGrad(dy as tf.Tensor4D, ws, padding, dilation),
        filterGrad(xs, dy as tf.Tensor4D, [ws.shape[0], ws.shape[1]], padding, dilation),
      ]);
    };
    return { value, gradFunc };
  });
  return conv(x, filter) as tf.Tensor4D;
}

/**
 * dX[i] = sum_t dy[i + p - t·d] w[t]: `dy` padded by d(k-1) - p on each side (cropped where that is
 * negative) and convolved with `w` flipped and in/out swapped, with dilation d.
 */
function inputGrad(dy: tf.Tensor4D, filter: tf.Tensor4D, padding: Pair, dilation: Pair): tf.Tensor4D {
  const [kh, kw] = filter.shape;
  const reach = [dilation[0] * (kh - 1) - padding[0], dilation[1] * (kw - 1) - padding[1]] as Pair;
  const cropped = cropBothSides(dy, [Math.max(0, -reach[0]), Math.max(0, -reach[1])]);
  const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
  const pad = explicitPad([Math.max(0, reach[0]), Math.max(0, reach[1])]);
  return tf.conv2d(cropped, flipped, 1, pad, 'NHWC', dilation);
}

/**
 * dW[t] = sum_{n, o} xp[n, o + t·d] dy[n, o], one matrix product per tap t: the tap's window of xp as
 * a [Cin, N·Ho·Wo] matrix times dy as [N·Ho·Wo, Cout], run as a 1x1 Conv2D (on wasm XNNPACK runs it on
 * its thread pool; its BatchMatMul is single-threaded). About twice as fast on wasm as the one
 * Conv2D with dy as a [Ho, Wo, N, Cout] filter and stride d (whose input has only N channels), and it
 * holds one window at a time rather than an im2col matrix of all taps.
 */
function filterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  kernel: Pair,
  padding: Pair,
  dilation: Pair,
): tf.Tensor4D {
  const [n, outH, outW, outChannels] = dy.shape;
  const inChannels = x.shape[3];
  const pixels = n * outH * outW;
  const channelsFirst = tf.transpose(tf.pad(x, explicitPadPairs(padding)), [3, 0, 1, 2]);
  const dyFilter = tf.reshape(dy, [1, 1, pixels, outChannels]) as tf.Tensor4D;
  const perTap: tf.Tensor[] = [];
  for (let i = 0; i < kernel[0]; i++) {
    for (let j = 0; j < kernel[1]; j++) {
      perTap.push(
        tf.tidy(() => {
          const window = tf.slice(
            channelsFirst,
            [0, 0, i * dilation[0], j * dilation[1]],
            [inChannels, n, outH, outW],
          );
          return tf.conv2d(
            tf.reshape(window, [1, inChannels, 1, pixels]) as tf.Tensor4D,
            dyFilter,
            1,
            'valid',
          );
        }),
      );
    }
  }
  return tf.reshape(tf.concat(perTap, 0), [kernel[0], kernel[1], inChannels, outChannels]);
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

function explicitPad(padding: Pair): tf.backend_util.ExplicitPadding | 'valid' {
  return padding[0] === 0 && padding[1] === 0 ? 'valid' : explicitPadPairs(padding);
}

function explicitPadPairs([ph, pw]: Pair): tf.backend_util.ExplicitPadding {
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
