/**
 * What the benchmark times: a forward pass, and one SGD training step as `@fcn/train` will take it
 * (forward, softmax cross-entropy averaged over pixels, backward by `tf.variableGrads`, SGD update with
 * PyTorch's weight decay: p -= lr * (grad + wd * p)). Every tensor made here is disposed.
 */
import type { Module } from '@fcn/layers';
import * as tf from '@tensorflow/tfjs-core';

export interface SgdOptions {
  lr: number;
  weightDecay: number;
}

/** Mean over pixels of -log softmax(logits)[label]; logits [N, H, W, C], labels int32 [N, H, W]. */
export function pixelCrossEntropy(logits: tf.Tensor, labels: tf.Tensor, numClasses: number): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(labels as tf.Tensor3D, numClasses);
    return tf.losses.softmaxCrossEntropy(oneHot, logits, undefined, 0, tf.Reduction.MEAN) as tf.Scalar;
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

/** One SGD step on (x, labels); waits for the update to land and returns the loss. */
export async function trainStep(
  model: Module,
  x: tf.Tensor,
  labels: tf.Tensor,
  numClasses: number,
  sgd: SgdOptions,
): Promise<number> {
  const params = model.trainableParameters();
  const { value, grads } = tf.variableGrads(
    () => pixelCrossEntropy(model.forward(x), labels, numClasses),
    params,
  );
  tf.tidy(() => {
    for (const p of params) {
      const grad = grads[p.name];
      if (!grad) throw new Error(`no gradient for ${p.name}`);
      p.assign(tf.sub(p, tf.mul(tf.add(grad, tf.mul(p, sgd.weightDecay)), sgd.lr)));
    }
  });
  tf.dispose(grads);
  const loss = (await value.data())[0] ?? Number.NaN;
  value.dispose();
  // On backends that queue work (GPU), reading the last parameter waits for every update.
  const last = params.at(-1);
  if (last) await last.data();
  return loss;
}
