/**
 * An estimate of the memory that one training image needs, a little above the measured peak: the
 * model's activations at a given crop (counted by `@fcn/models` from the config: the model owns its
 * architecture), the loss's tensor, and the gradients the backward pass adds. Nothing runs: the count
 * is arithmetic on shapes. Measured against the wasm heap: see `@fcn/wasm-kernels`' training-memory test
 * and the train package's README.
 */
import { countForwardActivations, type ModelConfig } from '@fcn/models';

const FLOAT_BYTES = 4;

/** The loss keeps one tensor the size of the logits: its gradient, computed with the loss. */
const LOSS = 1;
/**
 * TF.js keeps every forward tensor the tape saved and every gradient it computes until the backward
 * pass ends. Measured on the wasm backend with the fused kernels (`tf.profile` peak bytes, the slope
 * over batches 1, 2 and 4), a training image held 1.88 to 2.19 times the values counted here (the
 * ResNet-18 FCN at widths 8 to 64, 64x96 to 512x512); the factor is a little above the largest.
 */
const BACKWARD_FACTOR = 2.3;

export interface ActivationCount {
  /** Float32 elements alive at the end of the forward pass, for one image. */
  forwardElements: number;
  /** The estimate in bytes: (counted values · backward factor + input) · 4. */
  bytes: number;
}

/**
 * Estimated training memory per image (forward + backward) of a model at `crop` = [height, width]:
 * with `parameterMemory` 1.01 to 1.05 times the peak measured on wasm for the ResNet-18 FCN at
 * 160x224, 320x480 and 512x512 (the micro-batch planner keeps a fifth of the memory limit spare).
 */
export function estimateTrainingMemory(
  config: ModelConfig,
  crop: readonly [number, number],
): ActivationCount {
  const [h, w] = crop;
  const total = countForwardActivations(config, crop) + h * w * config.numClasses * LOSS;
  const input = h * w * 4; // the image (3 floats) and its label
  const bytes = (total * BACKWARD_FACTOR + input) * FLOAT_BYTES;
  return { forwardElements: total, bytes: Math.ceil(bytes) };
}

/**
 * Memory that does not grow with the micro-batch: the parameters, the momentum buffers, their
 * gradients and what the backward pass holds besides (measured: 4 to 5 float32 copies of the
 * parameters; 5 are counted).
 */
export function parameterMemory(numParameters: number): number {
  return 5 * numParameters * FLOAT_BYTES;
}
