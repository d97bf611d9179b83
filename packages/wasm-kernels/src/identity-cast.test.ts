import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { castConfig } from './cast.js';
import { identityConfig } from './identity.js';
import { relativeError, useWasmWithTrainingKernels, valuesOn } from './testing/compare-backends.js';

const values = [-2.5, -1, -0.5, 0, 0.25, 0.5, 1, 3.75];

describe('Identity and Cast on wasm', () => {
  beforeAll(useWasmWithTrainingKernels);

  it('replace the shipped kernels', () => {
    expect(tf.getKernel('Identity', 'wasm')?.kernelFunc).toBe(identityConfig.kernelFunc);
    expect(tf.getKernel('Cast', 'wasm')?.kernelFunc).toBe(castConfig.kernelFunc);
  });

  it.each(['int32', 'bool', 'float32'] as const)('casts float32 to %s like cpu', async (dtype) => {
    const compute = () => [tf.cast(tf.cast(tf.tensor1d(values), dtype), 'float32')];
    const [expected] = await valuesOn('cpu', compute);
    const [actual] = await valuesOn('wasm', compute);
    expect(relativeError(actual!, expected!)).toBe(0);
  });

  it('casts int32 and bool to float32 like cpu', async () => {
    const compute = () => [
      tf.cast(tf.tensor1d([-3, 0, 7], 'int32'), 'float32'),
      tf.cast(tf.tensor1d([true, false, true], 'bool'), 'float32'),
    ];
    const expected = await valuesOn('cpu', compute);
    const actual = await valuesOn('wasm', compute);
    expect(actual.map((v) => Array.from(v))).toEqual(expected.map((v) => Array.from(v)));
  });

  it('shares data and frees it once both tensors are gone', () => {
    const backend = tf.backend() as BackendWasm;
    const dataBefore = backend.numDataIds();
    const x = tf.tensor1d(values);
    const copies = [
      tf.clone(x),
      tf.cast(x, 'float32'),
      tf.engine().runKernel('Identity', { x }) as tf.Tensor,
    ];
    expect(copies.every((copy) => copy.dataId === x.dataId)).toBe(true);
    expect(backend.numDataIds()).toBe(dataBefore + 1);
    x.dispose();
    expect(Array.from(copies[0]!.dataSync())).toEqual(Array.from(new Float32Array(values)));
    tf.dispose(copies);
    expect(backend.numDataIds()).toBe(dataBefore);
  });
});
