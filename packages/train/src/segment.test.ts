import { normalizeImage } from '@fcn/data/browser';
import { Module } from '@fcn/layers';
import { fcn, type SegmentationModel } from '@fcn/models';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { predictWholeImage } from './predict-whole.js';
import { FCN_WINDOW, LARGE_IMAGE_WINDOW, segment, segmentWindow, WHOLE_IMAGE_MAX_PIXELS } from './segment.js';

/**
 * A stand-in for torchvision's FCN (not the chapter's FCN, so any input size): per-pixel logits
 * [-red, red] of the normalised image, so a pixel is class 1 where its red byte is above ImageNet's mean.
 */
class RedChannel extends Module {
  readonly numClasses: number;
  readonly shapes: number[][] = [];
  constructor(numClasses = 2) {
    super();
    this.numClasses = numClasses;
  }
  forward(x: tf.Tensor): tf.Tensor {
    this.shapes.push(x.shape);
    return tf.tidy(() => {
      const red = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, 1]);
      return tf.concat([tf.neg(red), red], 3);
    });
  }
}
const torchvisionLike = (numClasses = 2) => new RedChannel(numClasses) as unknown as SegmentationModel;

/** RGB bytes whose red channel alternates bright and dark, pixel by pixel. */
function stripes(width: number, height: number, channels: 3 | 4 = 3): Uint8Array {
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) data[i * channels] = i % 2 === 0 ? 250 : 10;
  return data;
}

describe('segment', () => {
  it("tiles the chapter's FCN into 320x480 windows and gives predictWholeImage's classes, from RGB or RGBA", async () => {
    const model = fcn({ trunk: { arch: 'resnet18', width: 2 }, numClasses: 3, seed: 7 });
    const w = model.finalConv.weight;
    tf.tidy(() => w.assign(tf.randomNormal(w.shape, 0, 20, 'float32', 8)));
    const [height, width] = [100, 500];
    const rgb = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 131) % 256);
    expect(segmentWindow(model, height, width)).toEqual(FCN_WINDOW);
    const progress: [number, number][] = [];
    const before = tf.memory().numBytes;
    let most = 0;
    const result = await segment(
      model,
      { width, height, data: rgb },
      {
        onProgress: (done, total) => {
          progress.push([done, total]);
          most = Math.max(most, tf.memory().numBytes - before);
        },
      },
    );
    // The float image would be 12 bytes a pixel: between windows, nothing near that lives.
    expect(most).toBeLessThan(width * height * 3);
    // 500 wide: two windows of 480 (multiples of 32); 100 high: two windows of 96.
    expect(result.windows).toBe(4);
    expect(progress).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
    const x = tf.tensor3d(normalizeImage(rgb), [height, width, 3]);
    const expected = await predictWholeImage(model, x, { window: FCN_WINDOW });
    expect([result.width, result.height]).toEqual([width, height]);
    expect(Array.from(result.data)).toEqual(Array.from(await expected.data()));
    expect(new Set(result.data).size).toBeGreaterThan(1);

    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++) rgba.set(rgb.subarray(i * 3, i * 3 + 3), i * 4);
    const fromRgba = await segment(model, { width, height, data: rgba });
    expect(Array.from(fromRgba.data)).toEqual(Array.from(result.data));
    tf.dispose([x, expected]);
    model.dispose();
  });

  it("runs torchvision's FCN on the whole picture in one pass up to a megapixel, of any size", async () => {
    const model = torchvisionLike();
    const [width, height] = [37, 23];
    expect(segmentWindow(model, height, width)).toEqual([height, width]);
    const steps: [number, number][] = [];
    const result = await segment(
      model,
      { width, height, data: stripes(width, height, 4) },
      {
        onProgress: (d, t) => {
          steps.push([d, t]);
        },
      },
    );
    expect(steps).toEqual([[1, 1]]);
    expect(result.windows).toBe(1);
    expect((model as unknown as RedChannel).shapes).toEqual([[1, height, width, 3]]);
    expect(Array.from(result.data.subarray(0, 4))).toEqual([1, 0, 1, 0]);
    expect(result.data).toHaveLength(width * height);
  });

  it("tiles torchvision's FCN into 1024x1024 windows beyond a megapixel", async () => {
    const model = torchvisionLike();
    const [width, height] = [1030, 1020];
    expect(width * height).toBeGreaterThan(WHOLE_IMAGE_MAX_PIXELS);
    expect(segmentWindow(model, height, width)).toEqual(LARGE_IMAGE_WINDOW);
    expect(segmentWindow(model, 2048, 512)).toEqual([2048, 512]);
    const result = await segment(model, { width, height, data: stripes(width, height) });
    expect(result.windows).toBe(2);
    // Windows as large as fit (any size: no multiple of 32), the image's own height.
    expect((model as unknown as RedChannel).shapes).toEqual([
      [1, 1020, 1024, 3],
      [1, 1020, 1024, 3],
    ]);
    const expected = Uint8Array.from({ length: width * height }, (_, i) => (i % 2 === 0 ? 1 : 0));
    expect(result.data).toEqual(expected);
  });

  it('takes a window and refuses more than 256 classes, naming the alternative', async () => {
    const small = torchvisionLike();
    const result = await segment(
      small,
      { width: 40, height: 10, data: stripes(40, 10) },
      { window: [10, 24], minOverlap: 8 },
    );
    expect(result.windows).toBe(2);
    await expect(segment(torchvisionLike(300), { width: 4, height: 4, data: stripes(4, 4) })).rejects.toThrow(
      /at most 256; the model has 300 \(use predictWholeImage\)/,
    );
  });
});
