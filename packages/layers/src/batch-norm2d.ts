import * as tf from '@tensorflow/tfjs-core';
import { Module } from './module.js';

export interface BatchNorm2dOptions {
  /** Added to the variance before the square root. Default 1e-5 (PyTorch and MXNet). */
  eps?: number;
  /**
   * Weight of the new batch statistic in the running average, PyTorch's convention:
   * running = (1 - momentum) * running + momentum * batch. Default 0.1, which is MXNet's momentum 0.9
   * (MXNet states the weight of the old value instead).
   */
  momentum?: number;
}

/**
 * Batch normalisation over the channel (last) axis of NHWC input.
 * Training: normalise with the batch mean and biased variance, and update `running_mean` and
 * `running_var` (with the unbiased variance, as PyTorch does). Eval: normalise with the running stats.
 * Parameters `weight` (gamma) and `bias` (beta); buffers `running_mean`, `running_var`; keys as PyTorch.
 *
 * The training-mode gradient is fused (closed form per channel), which avoids the broadcast `Tile`
 * kernels of tfjs-core's generic batch-norm gradient.
 */
export class BatchNorm2d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  readonly eps: number;
  readonly momentum: number;

  constructor(
    readonly numFeatures: number,
    options: BatchNorm2dOptions = {},
  ) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    this.weight = this.registerParameter('weight', tf.ones([numFeatures]));
    this.bias = this.registerParameter('bias', tf.zeros([numFeatures]));
    this.runningMean = this.registerBuffer('running_mean', tf.zeros([numFeatures]));
    this.runningVar = this.registerBuffer('running_var', tf.ones([numFeatures]));
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (!this.training) return this.normaliseWithRunningStats(x);
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    this.updateRunningStats(mean, variance, x.size / this.numFeatures);
    return batchNormTraining(x, this.weight, this.bias, mean, variance, this.eps);
  }

  private normaliseWithRunningStats(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const scale = tf.mul(this.weight, tf.rsqrt(tf.add(this.runningVar, this.eps)));
      const shift = tf.sub(this.bias, tf.mul(this.runningMean, scale));
      return tf.add(tf.mul(x, scale), shift);
    });
  }

  private updateRunningStats(mean: tf.Tensor, variance: tf.Tensor, count: number): void {
    const m = this.momentum;
    const unbiased = count > 1 ? count / (count - 1) : 1;
    tf.tidy(() => {
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
      const batchVar = tf.mul(variance, unbiased);
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(batchVar, m)));
    });
  }
}

/**
 * y = gamma * (x - mean) / sqrt(var + eps) + beta with batch statistics, and its closed-form gradient
 * (N = elements per channel, x̂ the normalised input):
 *   dbeta = Σ dy,  dgamma = Σ dy·x̂,  dx = gamma / sqrt(var + eps) · (dy - dbeta/N - x̂ · dgamma/N).
 */
function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  mean: tf.Tensor,
  variance: tf.Tensor,
  eps: number,
): tf.Tensor {
  const fused = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xt, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const rstd = tf.rsqrt(tf.add(variance, eps));
    const xHat = tf.mul(tf.sub(xt, mean), rstd);
    save([xHat, rstd, g]);
    return {
      value: tf.add(tf.mul(xHat, g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, rs, gm] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const count = dy.size / gm.size;
        const dBeta = tf.sum(dy, [0, 1, 2]);
        const dGamma = tf.sum(tf.mul(dy, xh), [0, 1, 2]);
        const centred = tf.sub(tf.sub(dy, tf.div(dBeta, count)), tf.mul(xh, tf.div(dGamma, count)));
        return [tf.mul(centred, tf.mul(gm, rs)), dGamma, dBeta];
      },
    };
  });
  return fused(x, gamma, beta);
}
