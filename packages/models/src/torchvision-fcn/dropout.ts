import { Module, takeSeed } from '@fcn/layers';
import * as tf from '@tensorflow/tfjs-core';

export interface DropoutOptions {
  /** Seed of the first mask; call k (from 0) of a training-mode forward uses seed + k. Default: `manualSeed`'s sequence. */
  seed?: number;
}

/**
 * PyTorch's `nn.Dropout(p)` (inverted dropout): in training mode each element is zeroed with
 * probability p and the survivors are scaled by 1 / (1 - p); in eval mode it is the identity. Masks are
 * seeded: the k-th training-mode forward uses `seed + k`, so a run repeats exactly. No state-dict entries.
 */
export class Dropout extends Module {
  readonly seed: number;
  /** Training-mode forwards so far (the next mask's seed is `seed + calls`). */
  calls = 0;

  constructor(
    readonly p = 0.5,
    options: DropoutOptions = {},
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`Dropout probability must be in [0, 1], got ${p}`);
    this.seed = takeSeed(options.seed);
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (!this.training || this.p === 0) return x;
    const seed = this.seed + this.calls++;
    if (this.p === 1) return tf.zerosLike(x);
    return tf.tidy(() => {
      const keep = tf.cast(
        tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', seed), this.p),
        'float32',
      );
      return tf.mul(x, tf.mul(keep, 1 / (1 - this.p)));
    });
  }
}
