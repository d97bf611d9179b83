import { type FCN, fcn } from '@fcn/models';

/** The chapter's FCN: ResNet-18 trunk, 1x1 conv to 21 classes, k64/s32/p16 bilinear upsampler. */
export const NUM_CLASSES = 21;

/** torchvision's ResNet-18 without avgpool and fc. */
export const RESNET18_TRUNK_PARAMETERS = 11_176_512;

/** A fresh FCN-32s on ResNet-18 (from `@fcn/models`) in training mode, on the current backend. */
export function buildResNet18Fcn(numClasses = NUM_CLASSES): FCN {
  return fcn({ numClasses, variant: '32s', trunk: 'resnet18', seed: 0 });
}

/** Parameters of the ResNet-18 trunk alone. */
export function trunkParameterCount(model: FCN): number {
  return model.trunk.numParameters();
}
