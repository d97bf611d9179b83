/**
 * The size a config implies, computed without building anything: a weight file whose config claims a
 * model far larger than its tensors (width 1024 in a 160 KB file) is refused before any allocation,
 * instead of building hundreds of megabytes of weights that the load then rejects.
 */
import { RESNET_BLOCKS } from './resnet.js';
import { FLOAT_DTYPES } from './safetensors/dtypes.js';
import type { Safetensors } from './safetensors/read.js';
import { isTorchvisionFcnConfig, type ModelConfig } from './segmentation-model.js';
import { torchvisionFcnShapes } from './torchvision-fcn/config.js';

const FINAL_STRIDE = { '32s': 32, '16s': 16, '8s': 8 } as const;

/** Values in the state dict (parameters and BatchNorm buffers) of the model a config describes. */
export function stateElementCount(config: ModelConfig): number {
  if (isTorchvisionFcnConfig(config)) {
    let count = 0;
    for (const shape of torchvisionFcnShapes(config).values()) count += shape.reduce((a, d) => a * d, 1);
    return count;
  }
  const { width } = config.trunk;
  const blocks = RESNET_BLOCKS[config.trunk.arch];
  const bn = (c: number) => 4 * c; // weight, bias, running mean, running variance
  let count = 3 * width * 49 + bn(width);
  let inChannels = width;
  [width, 2 * width, 4 * width, 8 * width].forEach((channels, stage) => {
    for (let b = 0; b < blocks[stage]!; b++) {
      const stride = b === 0 && stage > 0 ? 2 : 1;
      count += inChannels * channels * 9 + bn(channels) + channels * channels * 9 + bn(channels);
      if (stride !== 1 || inChannels !== channels) count += inChannels * channels + bn(channels);
      inChannels = channels;
    }
  });
  const c = config.numClasses;
  const score = (inC: number) => inC * c + c;
  const upsample = (stride: number) => c * c * (2 * stride) ** 2 + c;
  count += score(8 * width);
  if (config.variant !== '32s') count += score(4 * width) + upsample(2);
  if (config.variant === '8s') count += score(2 * width) + upsample(2);
  count += upsample(FINAL_STRIDE[config.variant]);
  return count;
}

/** Float values stored in a file's tensors. */
export function fileFloatCount(file: Safetensors): number {
  let count = 0;
  for (const t of file.tensors.values()) {
    if (FLOAT_DTYPES.includes(t.dtype)) count += t.shape.reduce((a, d) => a * d, 1);
  }
  return count;
}

/**
 * Throws unless the file holds at least as many float values as the model of `config` has: checked
 * before the model is built, so an absurd config costs nothing. `what` describes the config in errors.
 */
export function assertFileCanHold(file: Safetensors, config: ModelConfig, what: string): void {
  const needed = stateElementCount(config);
  const held = fileFloatCount(file);
  if (held < needed) {
    throw new Error(
      `${what} needs ${needed.toLocaleString('en-US')} weights but the file holds ` +
        `${held.toLocaleString('en-US')}: its config does not match its tensors (a damaged or forged file)`,
    );
  }
}
