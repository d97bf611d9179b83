/**
 * Evaluation on a split: the model in eval mode (BatchNorm's running statistics), argmax of the logits,
 * every batch counted into one confusion matrix (the chapter's `evaluate_accuracy`, plus what the
 * FCN paper's metrics need).
 */
import type { BatchesOptions } from '@fcn/data';
import type { Module } from '@fcn/layers';
import * as tf from '@tensorflow/tfjs-core';
import { ConfusionMatrix } from './confusion.js';
import { withEvalMode } from './eval-mode.js';

export interface EvalData {
  batches(options: BatchesOptions): AsyncIterable<{ images: tf.Tensor4D; labels: tf.Tensor3D }>;
}

export interface EvaluateOptions {
  batchSize: number;
  /** The model's class count (default: `model.numClasses` when it has one). */
  numClasses?: number;
  ignoreLabel?: number;
  /** Default false: centred crops. */
  randomCrop?: boolean;
  seed?: number;
  epoch?: number;
}

/** Counts every pixel of every crop of `data` (no batch is dropped). */
export async function evaluate(
  model: Module & { numClasses?: number },
  data: EvalData,
  options: EvaluateOptions,
): Promise<ConfusionMatrix> {
  const numClasses = options.numClasses ?? model.numClasses;
  if (numClasses === undefined) throw new Error('evaluate: numClasses is needed for this model');
  const confusion = new ConfusionMatrix(numClasses, options.ignoreLabel);
  await withEvalMode(model, async () => {
    for await (const { images, labels } of data.batches({
      batchSize: options.batchSize,
      shuffle: false,
      dropLast: false,
      randomCrop: options.randomCrop ?? false,
      seed: options.seed ?? 0,
      epoch: options.epoch ?? 0,
    })) {
      try {
        const predicted = tf.tidy(() => tf.argMax(model.forward(images), -1));
        try {
          confusion.update(await labels.data(), await predicted.data());
        } finally {
          predicted.dispose();
        }
      } finally {
        tf.dispose([images, labels]);
      }
    }
  });
  return confusion;
}
