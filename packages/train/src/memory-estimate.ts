/**
 * A conservative estimate of the memory that one training image needs: the model's activations at a
 * given crop (counted by `@fcn/models` from the config: the model owns its architecture), the loss's
 * tensors, and the gradients the backward pass adds. Nothing runs: the count is arithmetic on shapes.
 */
import { countForwardActivations, type ModelConfig } from '@fcn/models';

const FLOAT_BYTES = 4;

/** The loss: one-hot target, log-softmax (kept for its gradient), its exp, the product. */
const LOSS = 4;
/**
 * TF.js keeps every forward tensor the tape saved and every gradient it computes until the backward
 * pass ends, besides copies (casts, identities) around BatchNorm's moments: on the cpu backend the peak
 * of a forward + backward was 3.2 to 3.6 times the tensors counted here (a test checks the bound).
 */
const BACKWARD_FACTOR = 4;
/** Margin for what the count leaves out (kernel workspaces, allocator slack). */
const SAFETY = 1.25;

export interface ActivationCount {
  /** Float32 elements alive at the end of the forward pass, for one image. */
  forwardElements: number;
  /** The estimate in bytes: (forward · backward factor + input) · 4 · safety. */
  bytes: number;
}

/**
 * Estimated training memory per image (forward + backward) of a model at `crop` = [height, width].
 * Deliberately on the high side: micro-batches chosen from it leave room to spare.
 */
export function estimateTrainingMemory(
  config: ModelConfig,
  crop: readonly [number, number],
): ActivationCount {
  const [h, w] = crop;
  const total = countForwardActivations(config, crop) + h * w * config.numClasses * LOSS;
  const input = h * w * 4; // the image (3 floats) and its label
  const bytes = (total * BACKWARD_FACTOR + input) * FLOAT_BYTES * SAFETY;
  return { forwardElements: total, bytes: Math.ceil(bytes) };
}

/**
 * Memory that does not grow with the micro-batch: the parameters, their gradients, the accumulated
 * gradients, the momentum buffers and the update's temporaries (5 float32 copies of the parameters).
 */
export function parameterMemory(numParameters: number): number {
  return 5 * numParameters * FLOAT_BYTES;
}
