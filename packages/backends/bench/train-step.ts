/**
 * What the benchmark times: a forward pass, and one SGD training step as `@fcn/train` takes it
 * (forward, its softmax cross-entropy averaged over pixels, backward by `tf.variableGrads`, its `Sgd`
 * without momentum: p -= lr * (grad + wd * p), which is PyTorch's SGD with weight_decay). On wasm the
 * loss and the update run as the fused kernels of `@fcn/backends`. Every tensor made here is disposed.
 */
import type { Module } from '@fcn/layers';
import { Sgd, softmaxCrossEntropy } from '@fcn/train';
import * as tf from '@tensorflow/tfjs-core';

export interface SgdOptions {
  lr: number;
  weightDecay: number;
}

/** `@fcn/train`'s SGD over all of `model`'s trainable parameters (the caller disposes it). */
export function makeSgd(model: Module, options: SgdOptions): Sgd {
  const params = [...model.namedParameters()].filter(([, v]) => v.trainable);
  return new Sgd([{ params }], options);
}

/** Runs the forward pass and waits for it; returns the output shape. */
export async function forwardPass(model: Module, x: tf.Tensor): Promise<number[]> {
  let shape: number[] = [];
  const total = tf.tidy(() => {
    const y = model.forward(x);
    shape = y.shape;
    return tf.sum(y);
  });
  await total.data();
  total.dispose();
  return shape;
}

/** One SGD step on (x, labels); waits for the update to land and returns the loss. */
export async function trainStep(model: Module, x: tf.Tensor, labels: tf.Tensor, sgd: Sgd): Promise<number> {
  const params = [...model.namedParameters()].filter(([, v]) => v.trainable);
  const { value, grads } = tf.variableGrads(
    () => softmaxCrossEntropy(model.forward(x) as tf.Tensor4D, labels as tf.Tensor3D),
    params.map(([, v]) => v),
  );
  const byName = new Map(params.map(([name, v]) => [name, grads[v.name]!]));
  sgd.step(byName);
  tf.dispose(grads);
  const loss = (await value.data())[0] ?? Number.NaN;
  value.dispose();
  // On backends that queue work (GPU), reading the last parameter waits for every update.
  const last = params.at(-1);
  if (last) await last[1].data();
  return loss;
}
