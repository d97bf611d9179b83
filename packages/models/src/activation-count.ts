/**
 * How many float32 values a model's forward pass keeps alive for its backward pass, for one image at a
 * given input size: counted layer by layer from the config (nothing is built or run). The training
 * memory estimate of `@fcn/train` multiplies this by what the backward pass and the loss add.
 */
import { RESNET_BLOCKS } from './resnet.js';
import { isTorchvisionFcnConfig, type ModelConfig } from './segmentation-model.js';
import type { TorchvisionFcnConfig } from './torchvision-fcn/config.js';

/** Tensors an op leaves alive until the backward pass, by kind (counted from the layers' code). */
const CONV = 1; // the output (its input is counted as the previous op's output)
const BN = 1; // the output (the fused gradient keeps x, the conv's output, and recomputes x̂)
const RELU = 1;
const ADD = 1;
/** Dropout keeps its mask and its output. */
const DROPOUT = 2;

/** Float32 values alive at the end of the forward pass of one `[height, width]` image. */
export function countForwardActivations(config: ModelConfig, size: readonly [number, number]): number {
  const [h, w] = size;
  if (!(h > 0 && w > 0)) throw new RangeError(`crop must be positive, got [${size}]`);
  /** Pixels at a stride of 2^k (every downsampling rounds up, as the padded convs and pool do). */
  const pixels = (k: number) => Math.ceil(h / 2 ** k) * Math.ceil(w / 2 ** k);
  return isTorchvisionFcnConfig(config)
    ? torchvisionFcn(config, h, w, pixels)
    : chapterFcn(config, h, w, pixels);
}

function chapterFcn(
  config: Exclude<ModelConfig, TorchvisionFcnConfig>,
  h: number,
  w: number,
  pixels: (k: number) => number,
): number {
  const blocks = RESNET_BLOCKS[config.trunk.arch];
  const width = config.trunk.width;
  const classes = config.numClasses;
  let total = 0;
  // Stem: conv 7x7/2, BN, ReLU at stride 2; max pool to stride 4.
  total += pixels(1) * width * (CONV + BN + RELU) + pixels(2) * width;
  // Stages of BasicBlocks at strides 4, 8, 16, 32 with width · 1, 2, 4, 8 channels.
  blocks.forEach((count, stage) => {
    const size = pixels(stage + 2) * width * 2 ** stage;
    for (let b = 0; b < count; b++) {
      const downsample = b === 0 && stage > 0;
      total += size * (2 * (CONV + BN) + RELU + ADD + RELU + (downsample ? CONV + BN : 0));
    }
  });
  // Head: class scores at the coarsest stride, the skips' scores and 2x upsamplings, the final
  // upsampling (transposed conv, then its bias add) at full size.
  total += pixels(5) * classes * CONV;
  if (config.variant !== '32s') total += pixels(4) * classes * (CONV + CONV + ADD);
  if (config.variant === '8s') total += pixels(3) * classes * (CONV + CONV + ADD);
  total += h * w * classes * (CONV + ADD);
  return total;
}

/** torchvision's FCN: Bottleneck stages at strides 4 and 8, then (dilated) 8 and 8; FCNHead; resize. */
function torchvisionFcn(
  config: TorchvisionFcnConfig,
  h: number,
  w: number,
  pixels: (k: number) => number,
): number {
  const classes = config.numClasses;
  let total = pixels(1) * 64 * (CONV + BN + RELU) + pixels(2) * 64;
  const strideLog2 = [2, 3, 3, 3];
  config.backbone.blocks.forEach((count, stage) => {
    const planes = 64 * 2 ** stage;
    const at = pixels(strideLog2[stage]!);
    for (let b = 0; b < count; b++) {
      // The first block of layer2 has its stride on conv2: conv1 runs at layer1's resolution.
      const conv1At = b === 0 && stage === 1 ? pixels(2) : at;
      total += conv1At * planes * (CONV + BN + RELU);
      total += at * planes * (CONV + BN + RELU);
      total += at * 4 * planes * (CONV + BN + ADD + RELU + (b === 0 ? CONV + BN : 0));
    }
  });
  // FCNHead on layer4 (2048 -> 512) and, when training with it, on layer3 (1024 -> 256): 3x3 conv,
  // BN, ReLU, dropout, 1x1 conv to the classes, at stride 8; then the bilinear resize as two matrix
  // products ([H, w/8], then [H, W] per class).
  const heads = config.aux ? [512, 256] : [512];
  for (const channels of heads) {
    total += pixels(3) * (channels * (CONV + BN + RELU + DROPOUT) + classes * CONV);
    total += (h * Math.ceil(w / 8) + h * w) * classes;
  }
  return total;
}
