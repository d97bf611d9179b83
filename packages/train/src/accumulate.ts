/**
 * The gradient of one batch's loss, computed over micro-batches and summed. Each micro-batch's summed
 * per-pixel loss is divided by the whole batch's count of labelled pixels, so the micro-batch losses
 * (and gradients) add up to the batch's mean exactly: equal to the full-batch gradient for a model
 * without training-mode BatchNorm (see `micro-batch.ts` for BatchNorm).
 */
import type { Module } from '@fcn/layers';
import * as tf from '@tensorflow/tfjs-core';
import { countLabelled, softmaxCrossEntropy } from './loss.js';

export interface BatchGradients {
  /** Batch-mean gradients by parameter name (the caller disposes them, e.g. with `disposeGradients`). */
  grads: Map<string, tf.Tensor>;
  /** The batch's mean loss over labelled pixels. */
  loss: number;
  /**
   * Predicted classes `[N, H, W]` (argmax of the training-mode logits), for the training accuracy;
   * null when `predictions: false`.
   */
  predictions: Int32Array | null;
  /** The labels as read (int32), in the same order. */
  labels: Int32Array;
  /** Labelled pixels of the batch (the loss's denominator). */
  labelled: number;
}

export interface AccumulateOptions {
  /** Micro-batch sizes summing to the batch (`splitBatch`); default: the whole batch at once. */
  sizes?: readonly number[];
  ignoreLabel?: number;
  numClasses: number;
  /**
   * Weight of the auxiliary head's loss for a model with one (`forwardWithAux`, torchvision's FCN with
   * `aux_classifier`): loss = CE(out) + w · CE(aux), as torchvision's reference training does with 0.5.
   * Default 0: the auxiliary head is not run.
   */
  auxLossWeight?: number;
  /** Compute the training-mode predictions (default true; a benchmark leaves out the argmax). */
  predictions?: boolean;
}

/** A model with an auxiliary head (torchvision's FCN): its main and auxiliary logits. */
export interface AuxOutputs {
  forwardWithAux(x: tf.Tensor): { out: tf.Tensor4D; aux: tf.Tensor4D };
}

function hasAuxHead(model: Module): model is Module & AuxOutputs {
  return typeof (model as Partial<AuxOutputs>).forwardWithAux === 'function';
}

/**
 * Forward and backward over the micro-batches of `images` / `labels`, for the named parameters `params`.
 * Leaves no tensor behind except the returned gradients.
 */
export async function batchGradients(
  model: Module,
  params: readonly [string, tf.Variable][],
  images: tf.Tensor4D,
  labels: tf.Tensor3D,
  options: AccumulateOptions,
): Promise<BatchGradients> {
  const n = images.shape[0];
  const sizes = options.sizes ?? [n];
  if (sizes.reduce((a, b) => a + b, 0) !== n) {
    throw new RangeError(`micro-batch sizes [${sizes}] do not add up to the batch of ${n}`);
  }
  const labelValues = (await labels.data()) as Int32Array;
  const labelled = countLabelled(labelValues, options.numClasses, options.ignoreLabel);
  const auxWeight = options.auxLossWeight ?? 0;
  if (auxWeight > 0 && !hasAuxHead(model)) {
    throw new Error(`auxLossWeight ${auxWeight} needs a model with an auxiliary head (forwardWithAux)`);
  }
  const variables = params.map(([, v]) => v);
  const byVariable = new Map(params.map(([name, v]) => [v.name, name]));
  const grads = new Map<string, tf.Tensor>();
  const keepPredictions = options.predictions ?? true;
  const predictions = keepPredictions ? new Int32Array(labelValues.length) : null;
  let loss = 0;
  let start = 0;
  try {
    for (const size of sizes) {
      const whole = size === n;
      const x = whole ? images : tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]);
      const y = whole ? labels : tf.slice(labels, [start, 0, 0], [size, -1, -1]);
      let predicted: tf.Tensor | undefined;
      const { value, grads: micro } = tf.variableGrads(() => {
        const lossOptions = { ignoreLabel: options.ignoreLabel, denominator: labelled };
        if (auxWeight > 0 && hasAuxHead(model)) {
          const { out, aux } = model.forwardWithAux(x);
          if (keepPredictions) predicted = tf.keep(tf.argMax(out, -1));
          return tf.add(
            softmaxCrossEntropy(out, y, lossOptions),
            tf.mul(auxWeight, softmaxCrossEntropy(aux, y, lossOptions)),
          ) as tf.Scalar;
        }
        const logits = model.forward(x) as tf.Tensor4D;
        if (keepPredictions) predicted = tf.keep(tf.argMax(logits, -1));
        return softmaxCrossEntropy(logits, y, lossOptions);
      }, variables);
      if (!whole) tf.dispose([x, y]);
      try {
        loss += (await value.data())[0]!;
        if (predicted && predictions)
          predictions.set((await predicted.data()) as Int32Array, start * (labelValues.length / n));
      } finally {
        tf.dispose(predicted ? [value, predicted] : value);
      }
      for (const [variableName, g] of Object.entries(micro)) {
        const name = byVariable.get(variableName)!;
        const previous = grads.get(name);
        if (previous) {
          grads.set(name, tf.add(previous, g));
          tf.dispose([previous, g]);
        } else {
          grads.set(name, g);
        }
      }
      start += size;
    }
  } catch (e) {
    disposeGradients(grads);
    throw e;
  }
  return { grads, loss, predictions, labels: labelValues, labelled };
}

export function disposeGradients(grads: Map<string, tf.Tensor>): void {
  for (const g of grads.values()) g.dispose();
  grads.clear();
}
