import type { Module } from '@fcn/layers';
import * as tf from '@tensorflow/tfjs-core';

/** A module's parameters and buffers as plain arrays, keyed by state-dict name: free of any backend. */
export type StateValues = Map<string, { shape: number[]; values: Float32Array }>;

/** Reads every parameter and buffer (asynchronously, as GPU backends need). */
export async function readState(model: Module): Promise<StateValues> {
  const state: StateValues = new Map();
  for (const [name, tensor] of model.stateDict()) {
    state.set(name, { shape: tensor.shape, values: (await tensor.data()) as Float32Array });
  }
  return state;
}

/**
 * Puts `state` into the module's variables as tensors of the current backend, so nothing it computes
 * next has to be moved from another backend (a GPU backend cannot be read synchronously in Node).
 */
export function loadState(model: Module, state: StateValues): void {
  const tensors = new Map([...state].map(([name, { shape, values }]) => [name, tf.tensor(values, shape)]));
  try {
    model.loadStateDict(tensors);
  } finally {
    tf.dispose([...tensors.values()]);
  }
}
