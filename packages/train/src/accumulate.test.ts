import { IGNORE_LABEL } from '@fcn/data/browser';
import { fcn } from '@fcn/models';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { batchGradients, disposeGradients } from './accumulate.js';
import { softmaxCrossEntropy } from './loss.js';
import { fcnParamGroups } from './param-groups.js';

const N = 4;
const SIZE = 32;

function setup() {
  const model = fcn({ trunk: { arch: 'resnet18', width: 2 }, numClasses: 3, seed: 3 });
  const params = fcnParamGroups(model).flatMap((g) => g.params);
  const images = tf.randomUniform([N, SIZE, SIZE, 3], -2, 2, 'float32', 4) as tf.Tensor4D;
  // Labels 0..2, with the ignore label unevenly spread: none in image 0, half of image 3.
  const values = tf.randomUniform([N, SIZE, SIZE], 0, 3, 'int32', 5).arraySync() as number[][][];
  for (let i = 1; i < N; i++) {
    for (let y = 0; y < SIZE; y++)
      for (let x = 0; x < SIZE; x++) if (x < 5 * i && y < 6 * i) values[i]![y]![x] = IGNORE_LABEL;
  }
  const labels = tf.tensor3d(values, [N, SIZE, SIZE], 'int32');
  return { model, params, images, labels };
}

function maxDiff(a: Map<string, tf.Tensor>, b: Map<string, tf.Tensor>): number {
  let worst = 0;
  for (const [name, g] of a) {
    const d = tf.tidy(() => tf.max(tf.abs(tf.sub(g, b.get(name)!))).dataSync()[0]!);
    worst = Math.max(worst, d);
  }
  return worst;
}

describe('gradient accumulation over micro-batches', () => {
  it('equals the full-batch gradient of the mean loss (eval-mode BatchNorm) to 1e-5', async () => {
    const { model, params, images, labels } = setup();
    model.eval();
    // Reference: the batch-mean loss over labelled pixels, differentiated in one go.
    const direct = tf.variableGrads(
      () => softmaxCrossEntropy(model.forward(images) as tf.Tensor4D, labels),
      params.map(([, v]) => v),
    );
    const reference = new Map(params.map(([name, v]) => [name, direct.grads[v.name]!]));
    const whole = await batchGradients(model, params, images, labels, { numClasses: 3 });
    const halves = await batchGradients(model, params, images, labels, { numClasses: 3, sizes: [2, 2] });
    const uneven = await batchGradients(model, params, images, labels, { numClasses: 3, sizes: [3, 1] });
    expect(halves.grads.size).toBe(params.length);
    expect(maxDiff(whole.grads, reference)).toBeLessThan(1e-6);
    expect(maxDiff(halves.grads, reference)).toBeLessThan(1e-5);
    expect(maxDiff(uneven.grads, reference)).toBeLessThan(1e-5);
    const loss = direct.value.dataSync()[0]!;
    expect(halves.loss).toBeCloseTo(loss, 5);
    expect(uneven.loss).toBeCloseTo(loss, 5);
    // The gradient is not trivially small (the comparison means something).
    expect(tf.tidy(() => tf.max(tf.abs(reference.get('final_conv.weight')!)).dataSync()[0]!)).toBeGreaterThan(
      1e-4,
    );
    expect(halves.labelled).toBe(N * SIZE * SIZE - (5 * 6 + 10 * 12 + 15 * 18));
    expect(halves.predictions).toEqual(whole.predictions);
    for (const g of [whole, halves, uneven]) disposeGradients(g.grads);
    tf.dispose([direct.value, ...Object.values(direct.grads), images, labels]);
    model.dispose();
  });

  it('differs with training-mode BatchNorm (each micro-batch normalises with its own statistics)', async () => {
    const { model, params, images, labels } = setup();
    const state = model.stateDict();
    const saved = new Map([...state].map(([k, v]) => [k, tf.clone(v)]));
    const whole = await batchGradients(model, params, images, labels, { numClasses: 3 });
    model.loadStateDict(saved); // undo the running-statistics update
    const halves = await batchGradients(model, params, images, labels, { numClasses: 3, sizes: [2, 2] });
    expect(maxDiff(whole.grads, halves.grads)).toBeGreaterThan(1e-4);
    disposeGradients(whole.grads);
    disposeGradients(halves.grads);
    tf.dispose([...saved.values(), images, labels]);
    model.dispose();
  });

  it('leaves no tensor behind but the gradients, and refuses sizes that miss the batch', async () => {
    const { model, params, images, labels } = setup();
    const before = tf.memory().numTensors;
    const out = await batchGradients(model, params, images, labels, { numClasses: 3, sizes: [1, 3] });
    expect(tf.memory().numTensors).toBe(before + out.grads.size);
    disposeGradients(out.grads);
    expect(tf.memory().numTensors).toBe(before);
    // Without the training predictions (a benchmark's step): no argmax, nothing left behind either.
    const bare = await batchGradients(model, params, images, labels, { numClasses: 3, predictions: false });
    expect(bare.predictions).toBeNull();
    expect(out.predictions).toHaveLength(N * SIZE * SIZE);
    disposeGradients(bare.grads);
    expect(tf.memory().numTensors).toBe(before);
    await expect(
      batchGradients(model, params, images, labels, { numClasses: 3, sizes: [2, 1] }),
    ).rejects.toThrow(/do not add up to the batch of 4/);
    tf.dispose([images, labels]);
    model.dispose();
  });
});
