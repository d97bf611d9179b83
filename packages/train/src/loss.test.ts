import { IGNORE_LABEL } from '@fcn/data/browser';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { countLabelled, pixelCrossEntropy, softmaxCrossEntropy } from './loss.js';

// Three pixels, three classes: [1, 2, 3] labelled 2, [0, 0, 0] labelled 0, [5, -5, 0] ignored.
const LOGITS = [1, 2, 3, 0, 0, 0, 5, -5, 0];
const LABELS = [2, 0, IGNORE_LABEL];
// -log softmax: log(1 + e^-1 + e^-2) and log 3.
const L0 = Math.log(1 + Math.exp(-1) + Math.exp(-2));
const L1 = Math.log(3);

const logits = () => tf.tensor4d(LOGITS, [1, 1, 3, 3]);
const labels = (values = LABELS) => tf.tensor3d(values, [1, 1, values.length], 'int32');

describe('softmax cross-entropy', () => {
  it('averages -log softmax over the labelled pixels, skipping the ignore label', () => {
    const loss = softmaxCrossEntropy(logits(), labels());
    expect(loss.dataSync()[0]).toBeCloseTo((L0 + L1) / 2, 6);
    const perPixel = pixelCrossEntropy(logits(), labels());
    const values = [...perPixel.dataSync()];
    expect(values[0]).toBeCloseTo(L0, 6);
    expect(values[1]).toBeCloseTo(L1, 6);
    expect(Math.abs(values[2]!)).toBe(0);
  });

  it('has the gradient (softmax - one-hot) / count at labelled pixels and 0 at ignored ones', () => {
    const x = logits();
    const g = tf.grad((z: tf.Tensor) => softmaxCrossEntropy(z as tf.Tensor4D, labels()))(x);
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const s = e[0]! + e[1]! + e[2]!;
    const expected = [
      e[0]! / s / 2,
      e[1]! / s / 2,
      (e[2]! / s - 1) / 2,
      1 / 6 - 1 / 2,
      1 / 6,
      1 / 6,
      0,
      0,
      0,
    ];
    const got = [...g.dataSync()];
    expected.forEach((v, i) => {
      expect(got[i]).toBeCloseTo(v, 6);
    });
  });

  it('divides by a given denominator (for micro-batches), and gives 0 when nothing is labelled', () => {
    expect(softmaxCrossEntropy(logits(), labels(), { denominator: 4 }).dataSync()[0]).toBeCloseTo(
      (L0 + L1) / 4,
      6,
    );
    const none = softmaxCrossEntropy(logits(), labels([IGNORE_LABEL, IGNORE_LABEL, IGNORE_LABEL]));
    expect(Math.abs(none.dataSync()[0]!)).toBe(0);
  });

  it('honours another ignore label, even one inside the class range', () => {
    // Ignoring class 0: only the first pixel counts; the third (255) is out of range and never counts.
    expect(softmaxCrossEntropy(logits(), labels(), { ignoreLabel: 0 }).dataSync()[0]).toBeCloseTo(L0, 6);
    expect(countLabelled([2, 0, 255, 7, -1], 3)).toBe(2);
    expect(countLabelled([2, 0, 255], 3, 0)).toBe(1);
  });

  it('refuses logits and labels of different sizes, and frees its intermediates', () => {
    expect(() => softmaxCrossEntropy(logits(), tf.tensor3d([0, 1], [1, 1, 2], 'int32'))).toThrow(
      /do not match/,
    );
    const x = logits();
    const y = labels();
    const before = tf.memory().numTensors;
    softmaxCrossEntropy(x, y).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
