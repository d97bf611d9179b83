import { normalizeImage } from '@fcn/data/browser';
import { Module } from '@fcn/layers';
import { fcn } from '@fcn/models';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { rgbImageSource } from './image-source.js';
import {
  predictClassMap,
  predictWholeImage,
  wholeImageLogits,
  wholeImageWorkBytes,
} from './predict-whole.js';
import { planTiles } from './tiling.js';

/** Logits that are the same everywhere. */
class ConstantLogits extends Module {
  constructor(readonly values: number[]) {
    super();
  }
  forward(x: tf.Tensor): tf.Tensor {
    const [n, h, w] = x.shape as number[];
    return tf.tidy(() => tf.tile(tf.tensor4d(this.values, [1, 1, 1, this.values.length]), [n!, h!, w!, 1]));
  }
}

/** Logits (column, row) of each pixel inside its window: averaging shows which windows covered it. */
class WindowPosition extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    const [n, h, w] = x.shape as number[];
    return tf.tidy(() => {
      const cols = tf.tile(tf.reshape(tf.range(0, w!), [1, 1, w!, 1]), [n!, h!, 1, 1]);
      const rows = tf.tile(tf.reshape(tf.range(0, h!), [1, h!, 1, 1]), [n!, 1, w!, 1]);
      return tf.concat([cols, rows], 3);
    });
  }
}

const image = (h: number, w: number, seed = 1) =>
  tf.randomUniform([h, w, 3], -2, 2, 'float32', seed) as tf.Tensor3D;
/** A narrow FCN whose class scores vary across the image (large random 1x1 score weights). */
function smallFcn() {
  const model = fcn({ trunk: { arch: 'resnet18', width: 2 }, numClasses: 3, seed: 7 });
  const w = model.finalConv.weight;
  tf.tidy(() => w.assign(tf.randomNormal(w.shape, 0, 20, 'float32', 8)));
  return model;
}

describe('whole-image prediction', () => {
  it('equals direct prediction on an image whose sides are multiples of 32', async () => {
    const model = smallFcn();
    const x = image(64, 96);
    model.eval();
    const direct = tf.tidy(() => tf.squeeze(tf.argMax(model.forward(tf.expandDims(x, 0)), -1), [0]));
    model.train();
    const tiled = await predictWholeImage(model, x);
    expect(tiled.shape).toEqual([64, 96]);
    expect(tiled.dtype).toBe('int32');
    expect([...tiled.dataSync()]).toEqual([...direct.dataSync()]);
    // The model's modes are restored.
    expect(model.training).toBe(true);
    expect(new Set(direct.dataSync()).size).toBeGreaterThan(1);
    tf.dispose([x, direct, tiled]);
    model.dispose();
  });

  it('has no seams: a constant-logit model gives the same logits everywhere, overlaps included', async () => {
    const model = new ConstantLogits([0.25, -1.5, 3]);
    const x = image(70, 100);
    const logits = await wholeImageLogits(model, x, { window: [64, 64], minOverlap: 32 });
    expect(logits.shape).toEqual([70, 100, 3]);
    const expected = Float32Array.from({ length: 70 * 100 * 3 }, (_, i) => [0.25, -1.5, 3][i % 3]!);
    expect(logits.dataSync()).toEqual(expected);
    const labels = await predictWholeImage(model, x, { window: [64, 64], minOverlap: 32 });
    expect(new Set(labels.dataSync())).toEqual(new Set([2]));
    tf.dispose([x, logits, labels]);
  });

  it('averages the logits of the windows that overlap a pixel', async () => {
    const options = { window: [32, 64] as [number, number], minOverlap: 16 };
    const plan = planTiles(40, 100, options);
    expect([plan.tops, plan.lefts]).toEqual([
      [0, 8],
      [0, 36],
    ]);
    const x = image(40, 100);
    const logits = await wholeImageLogits(new WindowPosition(), x, options);
    const values = logits.arraySync() as number[][][];
    const mean = (p: number, starts: number[], win: number) => {
      const covering = starts.filter((s) => s <= p && p < s + win).map((s) => p - s);
      return covering.reduce((a, b) => a + b, 0) / covering.length;
    };
    for (const [y, xx] of [
      [0, 0],
      [5, 40],
      [20, 50],
      [39, 99],
      [10, 63],
    ] as const) {
      expect(values[y]![xx]![0]).toBeCloseTo(mean(xx, plan.lefts, 64), 5);
      expect(values[y]![xx]![1]).toBeCloseTo(mean(y, plan.tops, 32), 5);
    }
    tf.dispose([x, logits]);
  });

  it('labels every pixel of a 70x100 image, and the band sweep agrees with the full logits', async () => {
    const model = smallFcn();
    const x = image(70, 100, 3);
    const before = tf.memory().numTensors;
    const labels = await predictWholeImage(model, x);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(labels.shape).toEqual([70, 100]);
    expect([...new Set(labels.dataSync())].every((c) => c >= 0 && c < 3)).toBe(true);
    // Several rows of windows (a band shifts between them): the same as argmax of the averaged logits.
    const tall = image(130, 70, 4);
    const options = { window: [64, 64] as [number, number], minOverlap: 16, windowsPerBatch: 2 };
    expect(planTiles(130, 70, options).tops.length).toBeGreaterThan(2);
    const progress: [number, number][] = [];
    const banded = await predictWholeImage(model, tall, {
      ...options,
      onProgress: async (done, total) => {
        progress.push([done, total]);
        await new Promise((resolve) => setTimeout(resolve, 0));
      },
    });
    // Reported after each batch of windows, awaited, ending at the total.
    const { tops, lefts } = planTiles(130, 70, options);
    const windows = tops.length * lefts.length;
    expect(progress.at(-1)).toEqual([windows, windows]);
    expect(progress.map(([done]) => done)).toEqual(
      tops.flatMap((_, r) =>
        lefts
          .filter((_, i) => i % 2 === 0)
          .map((_, b) => r * lefts.length + Math.min((b + 1) * 2, lefts.length)),
      ),
    );
    const full = await wholeImageLogits(model, tall, options);
    const reference = tf.argMax(full, -1);
    expect([...banded.dataSync()]).toEqual([...reference.dataSync()]);
    // 'pad' fit: one padded window, cropped back to the image.
    const padded = await predictWholeImage(model, tf.expandDims(x, 0) as tf.Tensor4D, { fit: 'pad' });
    expect(padded.shape).toEqual([70, 100]);
    tf.dispose([x, labels, tall, banded, full, reference, padded]);
    await expect(predictWholeImage(model, tf.zeros([2, 8, 8, 3]) as tf.Tensor4D)).rejects.toThrow(
      /expected an image/,
    );
    model.dispose();
  });

  it('predicts from RGB bytes normalised window by window, with no image-sized tensor, as from the tensor', async () => {
    const model = smallFcn();
    const [h, w] = [100, 230];
    const image = {
      height: h,
      width: w,
      data: Uint8Array.from({ length: h * w * 3 }, (_, i) => (i * 7919) % 256),
    };
    const x = tf.tensor3d(normalizeImage(image.data), [h, w, 3]);
    const expected = await predictWholeImage(model, x, { window: [64, 64] });
    const before = tf.memory().numBytes;
    let most = 0;
    const classes = await predictClassMap(model, rgbImageSource(image), {
      window: [64, 64],
      onProgress: () => {
        most = Math.max(most, tf.memory().numBytes - before);
      },
    });
    expect(classes).toBeInstanceOf(Uint8Array);
    expect([...classes]).toEqual([...expected.dataSync()]);
    expect(new Set(classes).size).toBeGreaterThan(1);
    // Between windows nothing of the image's size lives on the backend (the float image is 276 KB).
    expect(most).toBeLessThan(h * w * 3);
    tf.dispose([x, expected]);
    model.dispose();
  });

  it('says how much memory the sweep needs: a band one window high, growing with the width only', () => {
    const wide = wholeImageWorkBytes(320, 8000, 21);
    expect(wholeImageWorkBytes(8000, 8000, 21)).toBe(wide);
    // 320 rows x 8000 columns x (21 sums + 1 count) x 4 bytes, plus one 320x480 window in and out.
    expect(wide).toBe(320 * 8000 * 22 * 4 + 320 * 480 * 24 * 4);
  });
});
