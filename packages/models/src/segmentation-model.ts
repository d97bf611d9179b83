/**
 * The whole segmentation models fcn.ts builds and loads: the chapter's FCN (32s/16s/8s on a BasicBlock
 * ResNet) and torchvision's FCN (a dilated Bottleneck ResNet with FCNHead). Both take NHWC images
 * normalised with ImageNet's statistics and give NHWC logits at the input's height and width.
 */
import { FCN, type FcnConfig } from './fcn.js';
import type { TorchvisionFcnConfig } from './torchvision-fcn/config.js';
import type { TorchvisionFCN } from './torchvision-fcn/model.js';

export type SegmentationModel = FCN | TorchvisionFCN;

/** What travels in a weight file's metadata to rebuild either model. */
export type ModelConfig = FcnConfig | TorchvisionFcnConfig;

export function isTorchvisionFcnConfig(config: ModelConfig): config is TorchvisionFcnConfig {
  return 'kind' in config && config.kind === 'torchvision-fcn';
}

/**
 * What the input's height and width must be multiples of: 32 for the chapter's FCN (its transposed
 * convs give back exactly the input's size only then), 1 for torchvision's (it interpolates to any size).
 */
export function inputMultiple(model: SegmentationModel): number {
  return model instanceof FCN ? 32 : 1;
}
