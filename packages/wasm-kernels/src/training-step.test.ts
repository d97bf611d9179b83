import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from './index.js';
import {
  relativeError,
  seededValues,
  useWasmWithTrainingKernels,
  valuesOn,
} from './testing/compare-backends.js';

describe('training on wasm with the training kernels', () => {
  beforeAll(useWasmWithTrainingKernels);

  it('registers idempotently and returns the kernel names', () => {
    const names = registerWasmTrainingKernels();
    expect(registerWasmTrainingKernels()).toEqual(names);
    expect(names).toEqual(
      expect.arrayContaining(['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad']),
    );
    for (const name of names) expect(tf.getKernel(name, 'wasm')).toBeDefined();
  });

  it('runs the FCN upsampler (conv2dTranspose k64 s32 p16) and both its gradients like cpu', async () => {
    const xValues = seededValues(1 * 2 * 3 * 4, 11);
    const filterValues = seededValues(64 * 64 * 4 * 4, 12);
    const weightValues = seededValues(64 * 96 * 4, 13);
    const compute = () => {
      const x = tf.tensor4d(xValues, [1, 2, 3, 4]);
      const filter = tf.tensor4d(filterValues, [64, 64, 4, 4]);
      const weights = tf.tensor4d(weightValues, [1, 64, 96, 4]);
      const upsample = (v: tf.Tensor, f: tf.Tensor) =>
        tf.conv2dTranspose(v as tf.Tensor4D, f as tf.Tensor4D, [1, 64, 96, 4], 32, 16);
      const y = upsample(x, filter);
      const [dx, dFilter] = tf.grads((v: tf.Tensor, f: tf.Tensor) => tf.sum(tf.mul(upsample(v, f), weights)))(
        [x, filter],
      );
      return [y, dx!, dFilter!];
    };
    const expected = await valuesOn('cpu', compute);
    const actual = await valuesOn('wasm', compute);
    expect(actual[0]!.length).toBe(64 * 96 * 4);
    for (const [i, values] of actual.entries()) {
      expect(relativeError(values, expected[i]!), `output ${i}`).toBeLessThan(1e-4);
    }
  });

  it('keeps tensors and wasm buffers flat over SGD steps of a small conv net', () => {
    const x = tf.tensor4d(seededValues(2 * 16 * 16 * 3, 21), [2, 16, 16, 3]);
    const labels = tf.oneHot(
      tf.tensor3d(
        Array.from({ length: 2 * 16 * 16 }, (_, i) => i % 5),
        [2, 16, 16],
        'int32',
      ),
      5,
    );
    const variable = (shape: number[], seed: number) =>
      tf.variable(tf.mul(tf.tensor(seededValues(tf.util.sizeFromShape(shape), seed), shape), 0.2));
    const weights = {
      conv: variable([3, 3, 3, 8], 22),
      head: variable([1, 1, 8, 5], 23),
      up: variable([8, 8, 5, 5], 24),
    };
    const loss = () => {
      let h = tf.relu(tf.conv2d(x, weights.conv as tf.Tensor4D, 2, 1));
      h = tf.maxPool(h, 3, 2, 1 as never);
      h = tf.conv2d(h, weights.head as tf.Tensor4D, 1, 0);
      const logits = tf.conv2dTranspose(h, weights.up as tf.Tensor4D, [2, 16, 16, 5], 4, 2);
      return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
    };
    const step = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(loss);
        for (const [name, grad] of Object.entries(grads)) {
          const weight = Object.values(weights).find((w) => w.name === name)!;
          weight.assign(tf.sub(weight, tf.mul(grad, 0.1)));
        }
        tf.dispose(grads);
        return value.dataSync()[0]!;
      });
    const firstLoss = step();
    const backend = tf.backend() as BackendWasm;
    const tensorsAfterFirstStep = tf.memory().numTensors;
    const buffersAfterFirstStep = backend.numDataIds();
    const losses = [step(), step(), step()];
    expect(tf.memory().numTensors).toBe(tensorsAfterFirstStep);
    expect(backend.numDataIds(), 'wasm buffers, kernel intermediates included').toBe(buffersAfterFirstStep);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[2]!).toBeLessThan(firstLoss);
    tf.dispose([x, labels, ...Object.values(weights)]);
  });
});
