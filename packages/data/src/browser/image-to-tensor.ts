/**
 * A picture in the page to the network's input: `[1, H, W, 3]` float32, normalised with ImageNet's mean
 * and std exactly as in training. No Node imports.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Size } from '../image.js';
import { IMAGENET_MEAN, IMAGENET_STD, normalizeInto } from '../normalize.js';

/** Raw pixels, RGBA (as in `ImageData`) or RGB, row-major. */
export interface RawPixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray | Uint8Array;
}

/** What `imageToTensor` accepts. */
export type ImageSource =
  | HTMLImageElement
  | HTMLCanvasElement
  | HTMLVideoElement
  | ImageBitmap
  | ImageData
  | RawPixels;

export interface ImageToTensorOptions {
  /** Resize (bilinear) to `[height, width]` first; the model wants multiples of 32. */
  size?: Size;
}

const isRawPixels = (source: ImageSource): source is RawPixels =>
  'data' in source && typeof source.width === 'number' && typeof source.height === 'number';

/** Normalised pixels of `ImageData` or raw RGB(A) bytes, computed with the training table. */
function rawToTensor(source: RawPixels): tf.Tensor4D {
  const { width, height, data } = source;
  const channels = data.length / (width * height);
  if (channels !== 3 && channels !== 4) {
    throw new RangeError(
      `imageToTensor: ${data.length} bytes for ${width}x${height} is neither RGB nor RGBA`,
    );
  }
  const out = normalizeInto(data, new Float32Array(width * height * 3), { srcChannels: channels });
  return tf.tensor4d(out, [1, height, width, 3], 'float32');
}

/**
 * `[H, W, 3]` pixel values (0..255, any dtype) to the normalised `[1, H, W, 3]` float32 batch, with
 * tensor arithmetic on the current backend: the path for elements and bitmaps.
 */
export function normalizePixelsTensor(pixels: tf.Tensor3D): tf.Tensor4D {
  return tf.tidy(() => {
    const mean = tf.tensor1d(IMAGENET_MEAN.map((m) => m * 255));
    const std = tf.tensor1d(IMAGENET_STD.map((s) => s * 255));
    return tf.expandDims(tf.div(tf.sub(tf.cast(pixels, 'float32'), mean), std), 0) as tf.Tensor4D;
  });
}

/**
 * The normalised input tensor for one picture (the consumer disposes it). `ImageData` and raw pixels
 * are normalised on the CPU with the very table the training pipeline uses; elements and bitmaps go
 * through `tf.browser.fromPixels` and the same arithmetic on the backend.
 */
export function imageToTensor(source: ImageSource, options: ImageToTensorOptions = {}): tf.Tensor4D {
  return tf.tidy(() => {
    let x = isRawPixels(source)
      ? rawToTensor(source)
      : normalizePixelsTensor(tf.browser.fromPixels(source, 3));
    const size = options.size;
    if (size && (size[0] !== x.shape[1] || size[1] !== x.shape[2])) {
      x = tf.image.resizeBilinear(x, [size[0], size[1]], false, true);
    }
    return x;
  });
}
