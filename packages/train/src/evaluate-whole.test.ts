import { IGNORE_LABEL } from '@fcn/data/browser';
import { Module } from '@fcn/layers';
import type { SegmentationModel } from '@fcn/models';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { evaluateWholeImages, type LabelledImages } from './evaluate-whole.js';
import { segmentationMetrics } from './metrics.js';

/** Any input size; class 1 where the red byte is above ImageNet's mean red, else 0. */
class RedChannel extends Module {
  readonly numClasses = 2;
  readonly shapes: number[][] = [];
  forward(x: tf.Tensor): tf.Tensor {
    this.shapes.push(x.shape);
    return tf.tidy(() => {
      const red = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, 1]);
      return tf.concat([tf.neg(red), red], 3);
    });
  }
}

/** An image whose red byte per pixel is given, and its labels. */
function example(width: number, height: number, reds: number[], labels: number[]) {
  const data = new Uint8Array(width * height * 3);
  reds.forEach((r, i) => {
    data[i * 3] = r;
  });
  return { image: { width, height, data }, label: { width, height, data: Uint8Array.from(labels) } };
}

describe('evaluateWholeImages', () => {
  it('counts every labelled pixel of every image, each at its own size, into one confusion matrix', async () => {
    const model = new RedChannel();
    // Predictions: 1 for red 250, 0 for red 10.
    const examples = [
      example(3, 2, [250, 250, 10, 10, 250, 10], [1, 0, 0, 1, IGNORE_LABEL, 0]),
      example(2, 1, [10, 250], [0, 1]),
    ];
    const data: LabelledImages = { length: examples.length, sample: async (i) => examples[i]! };
    const progress: number[] = [];
    const confusion = await evaluateWholeImages(model as unknown as SegmentationModel, data, {
      onImage: (done, total) => progress.push(done / total),
    });
    expect(progress).toEqual([0.5, 1]);
    expect(model.shapes).toEqual([
      [1, 2, 3, 3],
      [1, 1, 2, 3],
    ]);
    // truth 0: predicted 0 at 3 pixels, 1 at 1; truth 1: predicted 1 at 2, 0 at 1; the void pixel left out.
    expect(Array.from(confusion.counts)).toEqual([3, 1, 1, 2]);
    const metrics = segmentationMetrics(confusion);
    expect(metrics.pixelAccuracy).toBeCloseTo(5 / 7, 12);
    expect(metrics.meanIoU).toBeCloseTo((3 / 5 + 2 / 4) / 2, 12);
  });

  it('refuses an image whose label map is another size', async () => {
    const bad = example(2, 2, [0, 0, 0, 0], [0, 0, 0, 0]);
    const data: LabelledImages = {
      length: 1,
      sample: async () => ({ image: bad.image, label: { width: 4, height: 1, data: bad.label.data } }),
    };
    await expect(evaluateWholeImages(new RedChannel() as unknown as SegmentationModel, data)).rejects.toThrow(
      /image 0 is 2x2 but its label map 4x1/,
    );
  });
});
