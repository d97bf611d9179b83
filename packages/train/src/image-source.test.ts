import { normalizeImage } from '@fcn/data/browser';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { rgbImageSource, tensorImageSource } from './image-source.js';

const rgb = (height: number, width: number) => ({
  height,
  width,
  data: Uint8Array.from({ length: height * width * 3 }, (_, i) => (i * 37) % 256),
});

describe('image sources', () => {
  it('cut the same windows from RGB bytes as from the normalised tensor, zero past the edges', () => {
    const image = rgb(5, 7);
    const tensor = tf.tensor3d(normalizeImage(image.data), [5, 7, 3]);
    const fromBytes = rgbImageSource(image);
    const fromTensor = tensorImageSource(tensor);
    expect([fromBytes.height, fromBytes.width, fromTensor.height, fromTensor.width]).toEqual([5, 7, 5, 7]);
    for (const [top, left, h, w] of [
      [0, 0, 5, 7],
      [1, 2, 3, 4],
      [3, 4, 4, 6],
      [0, 6, 2, 3],
    ] as const) {
      const a = fromBytes.window(top, left, h, w);
      const b = fromTensor.window(top, left, h, w);
      expect(a.shape).toEqual([1, h, w, 3]);
      expect([...a.dataSync()]).toEqual([...b.dataSync()]);
      tf.dispose([a, b]);
    }
    // Past the bottom-right corner: zeros, as padding the normalised image gives.
    const corner = fromBytes.window(4, 6, 2, 2);
    expect([...corner.dataSync()].slice(3)).toEqual(new Array(9).fill(0));
    corner.dispose();
    tensor.dispose();
  });

  it('reads RGBA (alpha dropped) and refuses a buffer of the wrong size', () => {
    const rgba = Uint8Array.from([10, 20, 30, 255, 40, 50, 60, 0]);
    const w = rgbImageSource({ width: 2, height: 1, data: rgba, channels: 4 }).window(0, 0, 1, 2);
    expect([...w.dataSync()]).toEqual([...normalizeImage(Uint8Array.from([10, 20, 30, 40, 50, 60]))]);
    w.dispose();
    expect(() => rgbImageSource({ width: 2, height: 2, data: new Uint8Array(11) })).toThrow(
      /an image of 2x2x3 has 12 bytes, got 11/,
    );
  });
});
