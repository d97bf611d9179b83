/**
 * The chapter's `SoftmaxCrossEntropyLoss(axis=1)` on NHWC logits: softmax over the class (last) axis,
 * cross-entropy per pixel, averaged over pixels. Pixels labelled `ignoreLabel` (VOC's void border with
 * `void: 'ignore'`), or with any label outside 0..C-1, contribute nothing and are not counted.
 */
import { IGNORE_LABEL } from '@fcn/data/browser';
// Registers tfjs-core's gradients (the loss is there to be differentiated); chooses no backend.
import '@fcn/layers';
import * as tf from '@tensorflow/tfjs-core';

export interface CrossEntropyOptions {
  /** Pixels with this label are skipped (default `IGNORE_LABEL`, 255). */
  ignoreLabel?: number;
  /**
   * What the summed per-pixel loss is divided by. Default: the number of counted pixels in `labels`
   * (a mean over pixels). Gradient accumulation passes the whole batch's count, so that the
   * micro-batches' losses add up to the batch's mean.
   */
  denominator?: number;
}

/**
 * Per-pixel cross-entropy `-log softmax(logits)[label]`, `[N, H, W]`; 0 where the pixel is not
 * counted (the ignore label or any label outside 0..C-1: `oneHot` gives an all-zero row there).
 */
export function pixelCrossEntropy(logits: tf.Tensor4D, labels: tf.Tensor3D): tf.Tensor3D {
  checkShapes(logits, labels);
  return tf.tidy(() => {
    const numClasses = logits.shape[3];
    const target = tf.oneHot(tf.cast(labels, 'int32'), numClasses);
    return tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits, -1)), -1)) as tf.Tensor3D;
  });
}

/** Scalar loss: the per-pixel cross-entropy summed over counted pixels, divided by `denominator`. */
export function softmaxCrossEntropy(
  logits: tf.Tensor4D,
  labels: tf.Tensor3D,
  options: CrossEntropyOptions = {},
): tf.Scalar {
  const { ignoreLabel = IGNORE_LABEL } = options;
  return tf.tidy(() => {
    const counting = masked(labels, ignoreLabel, logits.shape[3]);
    const total = tf.sum(pixelCrossEntropy(logits, counting));
    if (options.denominator !== undefined)
      return tf.div(total, Math.max(options.denominator, 1)) as tf.Scalar;
    const counted = tf.sum(tf.cast(validMask(counting, logits.shape[3]), 'float32'));
    // No counted pixel at all: the loss is 0 (and so is its gradient), not 0/0.
    return tf.div(total, tf.maximum(counted, 1)) as tf.Scalar;
  });
}

/**
 * How many labels are counted: classes 0..numClasses-1 other than `ignoreLabel` (the pixels that the
 * loss and the metrics count).
 */
export function countLabelled(
  labels: ArrayLike<number>,
  numClasses: number,
  ignoreLabel: number = IGNORE_LABEL,
): number {
  let n = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (y >= 0 && y < numClasses && y !== ignoreLabel) n++;
  }
  return n;
}

/** The ignore label mapped to -1, so it can never be a class even if numClasses > ignoreLabel. */
function masked(labels: tf.Tensor3D, ignoreLabel: number, numClasses: number): tf.Tensor3D {
  if (ignoreLabel < 0 || ignoreLabel >= numClasses) return labels;
  return tf.where(tf.equal(labels, ignoreLabel), tf.fill(labels.shape, -1, labels.dtype), labels);
}

function validMask(labels: tf.Tensor3D, numClasses: number): tf.Tensor {
  return tf.logicalAnd(tf.greaterEqual(labels, 0), tf.less(labels, numClasses));
}

function checkShapes(logits: tf.Tensor, labels: tf.Tensor): void {
  if (
    logits.rank !== 4 ||
    labels.rank !== 3 ||
    !tf.util.arraysEqual(logits.shape.slice(0, 3), labels.shape)
  ) {
    throw new Error(
      `cross-entropy: logits [N, H, W, C] and labels [N, H, W] do not match: [${logits.shape}] and [${labels.shape}]`,
    );
  }
}
