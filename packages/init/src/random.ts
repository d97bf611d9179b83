import * as tf from '@tensorflow/tfjs-core';

/**
 * Seeded draws. TF.js generates random values in JavaScript (seedrandom's Alea) before they reach any
 * backend, so the same seed gives the same numbers on cpu, wasm, WebGL and WebGPU.
 */
export function seededUniform(shape: readonly number[], limit: number, seed: number): tf.Tensor {
  assertSeed(seed);
  return tf.randomUniform([...shape], -limit, limit, 'float32', seed);
}

export function seededNormal(shape: readonly number[], std: number, seed: number): tf.Tensor {
  assertSeed(seed);
  return tf.randomNormal([...shape], 0, std, 'float32', seed);
}

function assertSeed(seed: number): void {
  if (!Number.isFinite(seed)) {
    throw new Error(`initialisers need a finite numeric seed for reproducibility, got ${seed}`);
  }
}
