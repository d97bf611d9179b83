import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels } from '../index.js';

/** Test support: the wasm backend with the training kernels, and the cpu backend as the reference. */
export async function useWasmWithTrainingKernels(): Promise<void> {
  await tf.setBackend('wasm');
  registerWasmTrainingKernels();
}

/** Explicit NHWC padding `[[0, 0], [top, bottom], [left, right], [0, 0]]`. */
export type ExplicitPad = [[0, 0], [number, number], [number, number], [0, 0]];

export function explicitPad(top: number, bottom: number, left: number, right: number): ExplicitPad {
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}

/** Deterministic uniform values in [-1, 1) (mulberry32), one stream per seed. */
export function seededValues(size: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    values[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return values;
}

/** Runs `compute` on `backendName` (then switches back to wasm) and returns its outputs' values. */
export async function valuesOn(
  backendName: 'cpu' | 'wasm',
  compute: () => tf.Tensor[],
): Promise<Float32Array[]> {
  await tf.setBackend(backendName);
  try {
    return tf.tidy(compute).map((t) => {
      const values = t.dataSync() as Float32Array;
      t.dispose();
      return values;
    });
  } finally {
    await tf.setBackend('wasm');
  }
}

/** `max |actual - expected| / max |expected|`. */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return worst / (scale || 1);
}
