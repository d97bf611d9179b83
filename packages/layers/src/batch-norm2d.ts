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
    const { y, mean, variance } = batchNormTraining(x, this.weight, this.bias, this.eps);
    try {
      this.updateRunningStats(mean, variance, x.size / this.numFeatures);
    } finally {
      tf.dispose([mean, variance]);
    }
    return y;
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

/** The fused kernels' names (`@fcn/wasm-kernels` registers them on wasm, and tests that this layer calls them). */
const BATCH_NORM_TRAIN_KERNEL = 'FcnBatchNormTrain';
const BATCH_NORM_TRAIN_GRAD_KERNEL = 'FcnBatchNormTrainGrad';

/**
 * y = gamma * (x - mean) / sqrt(var + eps) + beta with batch statistics, and its closed-form gradient
 * (N = elements per channel, x̂ = (x - mean) · rstd the normalised input, rstd = 1 / sqrt(var + eps)):
 *   dbeta = Σ dy,  dgamma = Σ dy·x̂,  dx = gamma · rstd · (dy - dbeta/N - x̂ · dgamma/N).
 *
 * The backward pass keeps x (which the layer before holds anyway), not x̂: it recomputes x̂, so a
 * BatchNorm adds only its output to the memory a training step holds. Where the backend has the fused
 * kernels (`FcnBatchNormTrain`, `FcnBatchNormTrainGrad`: wasm, from `@fcn/wasm-kernels`) each direction
 * is one of them (3 passes forward, 2 backward); elsewhere the same operations as tfjs ops, in the same
 * order. Returns the batch mean and biased variance too, for the running statistics (the caller
 * disposes them).
 */
function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  eps: number,
): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } {
  const backend = tf.getBackend();
  const fusedForward = tf.getKernel(BATCH_NORM_TRAIN_KERNEL, backend) !== undefined;
  const fusedBackward = tf.getKernel(BATCH_NORM_TRAIN_GRAD_KERNEL, backend) !== undefined;
  let stats: [tf.Tensor, tf.Tensor] | undefined;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xt, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    let y: tf.Tensor;
    let mean: tf.Tensor;
    let variance: tf.Tensor;
    let rstd: tf.Tensor;
    if (fusedForward) {
      [y, mean, variance, rstd] = tf
        .engine()
        .runKernel(BATCH_NORM_TRAIN_KERNEL, { x: xt, gamma: g, beta: b }, { eps }) as tf.Tensor[] as [
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
      ];
    } else {
      ({ mean, variance } = tf.moments(xt, [0, 1, 2]));
      rstd = tf.rsqrt(tf.add(variance, eps));
      y = tf.add(tf.mul(tf.mul(tf.sub(xt, mean), rstd), g), b);
    }
    stats = [tf.keep(mean), tf.keep(variance)];
    save([xt, mean, rstd, g]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, mu, rs, gm] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        if (fusedBackward) {
          return tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD_KERNEL, {
            dy,
            x: xs,
            mean: mu,
            rstd: rs,
            gamma: gm,
          }) as tf.Tensor[];
        }
        const count = dy.size / gm.size;
        const xh = tf.mul(tf.sub(xs, mu), rs);
        const dBeta = tf.sum(dy, [0, 1, 2]);
        const dGamma = tf.sum(tf.mul(dy, xh), [0, 1, 2]);
        const centred = tf.sub(tf.sub(dy, tf.div(dBeta, count)), tf.mul(xh, tf.div(dGamma, count)));
        return [tf.mul(centred, tf.mul(gm, rs)), dGamma, dBeta];
      },
    };
  });
  const y = op(x, gamma, beta);
  const [mean, variance] = stats!;
  return { y, mean, variance };
}
