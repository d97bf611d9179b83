/**
 * A conservative estimate of the memory that one training image needs: the FCN's activations at a given
 * crop, counted layer by layer from the model's config, the loss's tensors, and the gradients the
 * backward pass adds. Nothing runs: the count is arithmetic on shapes.
 */
import { type FcnConfig, RESNET_BLOCKS } from '@fcn/models';

const FLOAT_BYTES = 4;

/** Tensors an op leaves alive until the backward pass, by kind (counted from the layers' code). */
const CONV = 1; // the output (its input is counted as the previous op's output)
const BN = 2; // x̂ (saved for the fused gradient) and the output
const RELU = 1;
const ADD = 1;
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
 * Estimated training memory per image (forward + backward) of an FCN at `crop` = [height, width].
 * Deliberately on the high side: micro-batches chosen from it leave room to spare.
 */
export function estimateTrainingMemory(config: FcnConfig, crop: readonly [number, number]): ActivationCount {
  const [h, w] = crop;
  if (!(h > 0 && w > 0)) throw new RangeError(`crop must be positive, got [${crop}]`);
  const blocks = RESNET_BLOCKS[config.trunk.arch];
  const width = config.trunk.width;
  const classes = config.numClasses;
  /** Pixels at a stride of 2^k (every downsampling rounds up, as the padded convs and pool do). */
  const pixels = (k: number) => Math.ceil(h / 2 ** k) * Math.ceil(w / 2 ** k);

  let total = 0;
  const add = (elements: number, times: number) => {
    total += elements * times;
  };
  // Stem: conv 7x7/2, BN, ReLU at stride 2; max pool to stride 4.
  add(pixels(1) * width, CONV + BN + RELU);
  add(pixels(2) * width, 1);
  // Stages of BasicBlocks at strides 4, 8, 16, 32 with width · 1, 2, 4, 8 channels.
  blocks.forEach((count, stage) => {
    const size = pixels(stage + 2) * width * 2 ** stage;
    for (let b = 0; b < count; b++) {
      const downsample = b === 0 && stage > 0;
      add(size, 2 * (CONV + BN) + RELU + ADD + RELU + (downsample ? CONV + BN : 0));
    }
  });
  // Head: class scores at the coarsest stride, the skips' scores and 2x upsamplings, the final
  // upsampling (transposed conv, then its bias add) at full size.
  add(pixels(5) * classes, CONV);
  if (config.variant !== '32s') add(pixels(4) * classes, CONV + CONV + ADD);
  if (config.variant === '8s') add(pixels(3) * classes, CONV + CONV + ADD);
  add(h * w * classes, CONV + ADD);
  add(h * w * classes, LOSS);
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
