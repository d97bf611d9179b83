import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  relativeError,
  seededValues,
  useWasmWithTrainingKernels,
  valuesOn,
} from './testing/compare-backends.js';
import { keptWinogradFilters } from './winograd-conv.js';

/** A fresh wasm module, as the backend picker builds when the thread count changes. */
async function rebuildWasmBackend(): Promise<void> {
  const factory = tf.findBackendFactory('wasm')!;
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', factory, 2);
  await tf.setBackend('wasm');
}

describe('training kernels across a rebuilt wasm backend', () => {
  it('still work, including the cases handed back to shipped kernels', async () => {
    await useWasmWithTrainingKernels();
    await rebuildWasmBackend();
    const values = seededValues(2 * 5 * 6 * 3, 41);
    const compute = () => {
      const x = tf.tensor4d(values, [2, 5, 6, 3]);
      return [tf.sum(x, 3), tf.mean(x, [0, 2]), tf.sum(x, [0, 1, 2]), tf.tile(x, [1, 2, 1, 2])];
    };
    const expected = await valuesOn('cpu', compute);
    const actual = await valuesOn('wasm', compute);
    for (const [i, result] of actual.entries())
      expect(relativeError(result, expected[i]!), `output ${i}`).toBeLessThan(1e-5);
  });

  it('drop the Winograd transforms kept on the backend that was replaced', async () => {
    await useWasmWithTrainingKernels();
    const x = tf.tensor4d(seededValues(16 * 16 * 16, 42), [1, 16, 16, 16]);
    const filter = tf.tensor4d(seededValues(9 * 16 * 16, 43), [3, 3, 16, 16]);
    tf.dispose([tf.conv2d(x, filter, 1, 1), tf.conv2d(x, filter, 1, 1)]);
    expect(keptWinogradFilters()).toBe(1);
    await rebuildWasmBackend();
    const compute = () => {
      const x2 = tf.tensor4d(seededValues(16 * 16 * 16, 44), [1, 16, 16, 16]);
      const filter2 = tf.tensor4d(seededValues(9 * 16 * 16, 45), [3, 3, 16, 16]);
      return [tf.conv2d(x2, filter2, 1, 1), tf.conv2d(x2, filter2, 1, 1)];
    };
    const expected = await valuesOn('cpu', compute);
    const actual = await valuesOn('wasm', compute);
    for (const [i, result] of actual.entries())
      expect(relativeError(result, expected[i]!), `call ${i + 1}`).toBeLessThan(1e-5);
    expect(
      keptWinogradFilters(),
      'the old entry dropped; the new filter, disposed, swept next time',
    ).toBeLessThanOrEqual(1);
  });
});
