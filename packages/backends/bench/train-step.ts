/**
 * What the benchmark times: a forward pass, and one SGD training step as `@fcn/train` takes it
 * (`TrainingSession.step`: forward, its softmax cross-entropy averaged over pixels, backward, its `Sgd`
 * without momentum: p -= lr * (grad + wd * p), which is PyTorch's SGD with weight_decay; the whole batch
 * at once and no argmax, as PyTorch's step), waiting for the update to land. On wasm the loss and the
 * update run as the fused kernels of `@fcn/wasm-kernels`. Every tensor made here is disposed.
 */
import type { Module } from '@fcn/layers';
import type { SegmentationModel } from '@fcn/models';
import { TrainingSession } from '@fcn/train';
import * as tf from '@tensorflow/tfjs-core';

export interface SgdOptions {
  lr: number;
  weightDecay: number;
}

/** The training session a row times: `batch` images at once, SGD without momentum (the caller disposes it). */
export function benchSession(model: SegmentationModel, batch: number, sgd: SgdOptions): TrainingSession {
  return new TrainingSession({
    model,
    batchSize: batch,
    lr: sgd.lr,
    weightDecay: sgd.weightDecay,
    momentum: 0,
    predictions: false,
  });
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
