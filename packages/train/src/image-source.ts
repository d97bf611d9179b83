/**
 * Where whole-image prediction gets its windows' pixels: a normalised image tensor, or 8-bit RGB(A)
 * bytes normalised one window at a time (the chapter's ImageNet normalisation), so that a large photo
 * is never held as float32 (12 bytes a pixel, and copies of it on some backends).
 */
import { normalizeInto } from '@fcn/data/browser';
import * as tf from '@tensorflow/tfjs-core';

export interface ImageSource {
  readonly height: number;
  readonly width: number;
  /**
   * The normalised pixels `[1, h, w, 3]` of the rectangle whose top-left corner is (top, left); zero
   * where it passes the image's bottom or right edge. The caller disposes it.
   */
  window(top: number, left: number, height: number, width: number): tf.Tensor4D;
}

/** A normalised `[H, W, 3]` or `[1, H, W, 3]` tensor as a source (windows are slices, zero-padded). */
export function tensorImageSource(image: tf.Tensor3D | tf.Tensor4D): ImageSource {
  const [height, width] = (image.rank === 3 ? image.shape : image.shape.slice(1)) as [number, number];
  return {
    height,
    width,
    window(top, left, h, w) {
      return tf.tidy(() => {
        const inH = Math.max(0, Math.min(h, height - top));
        const inW = Math.max(0, Math.min(w, width - left));
        if (inH === 0 || inW === 0) return tf.zeros([1, h, w, 3]) as tf.Tensor4D;
        const x = (image.rank === 3 ? tf.expandDims(image, 0) : image) as tf.Tensor4D;
        const part = tf.slice(x, [0, top, left, 0], [1, inH, inW, 3]);
        return inH === h && inW === w
          ? part
          : tf.pad(part, [
              [0, 0],
              [0, h - inH],
              [0, w - inW],
              [0, 0],
            ]);
      });
    },
  };
}

/**
 * Interleaved 8-bit RGB (or RGBA, alpha dropped) pixels as a source: each window is normalised as it
 * is cut, exactly as `normalizeImage` would normalise the whole.
 */
export function rgbImageSource(image: {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
  channels?: 3 | 4;
}): ImageSource {
  const { width, height, data } = image;
  const channels = image.channels ?? 3;
  if (data.length !== width * height * channels) {
    throw new RangeError(
      `an image of ${width}x${height}x${channels} has ${width * height * channels} bytes, got ${data.length}`,
    );
  }
  return {
    height,
    width,
    window(top, left, h, w) {
      const out = new Float32Array(h * w * 3);
      const inW = Math.max(0, Math.min(w, width - left));
      for (let y = 0; y < h && top + y < height; y++) {
        normalizeInto(data, out, {
          srcOffset: ((top + y) * width + left) * channels,
          dstOffset: y * w * 3,
          count: inW,
          srcChannels: channels,
        });
      }
      return tf.tensor4d(out, [1, h, w, 3]);
    },
  };
}
