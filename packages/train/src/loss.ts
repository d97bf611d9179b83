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

/**
 * A backend may register this kernel (`@fcn/wasm-kernels` does for wasm: one SIMD pass over the logits);
 * the loss then runs it instead of the tfjs ops of `lossAndGradient`. Inputs `{ logits, labels (int32) }`,
 * attrs `{ ignoreLabel, denominator }` (-1: the count of labelled pixels), outputs `[loss, dLoss/dLogits]`.
 */
const SOFTMAX_CROSS_ENTROPY_KERNEL = 'FcnSoftmaxCrossEntropy';

/**
 * Scalar loss: the per-pixel cross-entropy summed over counted pixels, divided by `denominator`.
 * Forward and backward are computed together (the gradient, (softmax − onehot) / denominator on counted
 * pixels and 0 elsewhere, is kept for the backward pass): one tensor the size of the logits is all the
 * loss adds to a training step's memory.
 */
export function softmaxCrossEntropy(
  logits: tf.Tensor4D,
  labels: tf.Tensor3D,
  options: CrossEntropyOptions = {},
): tf.Scalar {
  checkShapes(logits, labels);
  const { ignoreLabel = IGNORE_LABEL, denominator } = options;
  const fused = tf.getKernel(SOFTMAX_CROSS_ENTROPY_KERNEL, tf.getBackend()) !== undefined;
  return tf.tidy(() => {
    const y = (labels.dtype === 'int32' ? labels : tf.cast(labels, 'int32')) as tf.Tensor3D;
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [x, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
      const [loss, grad] = fused
        ? (tf
            .engine()
            .runKernel(
              SOFTMAX_CROSS_ENTROPY_KERNEL,
              { logits: x, labels: y },
              { ignoreLabel, denominator: denominator ?? -1 },
            ) as tf.Tensor[] as [tf.Scalar, tf.Tensor])
        : lossAndGradient(x, y, ignoreLabel, denominator);
      save([grad]);
      return { value: loss, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(saved[0]!, dy) };
    });
    return op(logits) as tf.Scalar;
  });
}

/** The loss and its gradient with respect to the logits, from tfjs ops. */
function lossAndGradient(
  logits: tf.Tensor4D,
  labels: tf.Tensor3D,
  ignoreLabel: number,
  denominator: number | undefined,
): [tf.Scalar, tf.Tensor] {
  const numClasses = logits.shape[3];
  const counting = masked(labels, ignoreLabel, numClasses);
  const target = tf.oneHot(counting, numClasses);
  const logp = tf.logSoftmax(logits, -1);
  const total = tf.neg(tf.sum(tf.mul(target, logp)));
  const valid = tf.cast(validMask(counting, numClasses), 'float32');
  // No counted pixel at all: the loss is 0 (and so is its gradient), not 0/0.
  const den = denominator !== undefined ? tf.scalar(Math.max(denominator, 1)) : tf.maximum(tf.sum(valid), 1);
  const grad = tf.div(tf.sub(tf.mul(tf.exp(logp), tf.expandDims(valid, -1)), target), den);
  return [tf.div(total, den) as tf.Scalar, grad];
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
