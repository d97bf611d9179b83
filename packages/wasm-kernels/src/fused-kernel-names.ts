/**
 * Names of the fused training kernels that `@fcn/train` and `@fcn/layers` call through
 * `tf.engine().runKernel` when the current backend has them registered (and otherwise compose the
 * same computation from tfjs ops). The libraries keep their own copies of these strings; a test
 * checks that they agree.
 *
 * - `FcnSgdUpdate`: inputs `{ param, grad, momentum? }`, attrs `{ lr, weightDecay, momentum }`;
 *   outputs `[param']` or, with a momentum buffer, `[param', momentum']` (MXNet's sgd(_mom)_update).
 * - `FcnSoftmaxCrossEntropy`: inputs `{ logits [N, H, W, C] float32, labels [N, H, W] int32 }`,
 *   attrs `{ ignoreLabel, denominator }` (at least 1; -1: the count of labelled pixels); outputs
 *   `[loss (scalar), dLoss/dLogits]`.
 * - `FcnBatchNormTrain`: inputs `{ x [..., C], gamma [C], beta [C] }`, attrs `{ eps }`; outputs
 *   `[y, mean, variance (biased), rstd = 1 / sqrt(variance + eps)]`.
 * - `FcnBatchNormTrainGrad`: inputs `{ dy, x, mean, rstd, gamma }`; outputs `[dx, dGamma, dBeta]`.
 */
export const SGD_UPDATE = 'FcnSgdUpdate';
export const SOFTMAX_CROSS_ENTROPY = 'FcnSoftmaxCrossEntropy';
export const BATCH_NORM_TRAIN = 'FcnBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD = 'FcnBatchNormTrainGrad';
