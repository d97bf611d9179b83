import type { Transfer } from './state-transfer.js';

/**
 * torchvision's ResNet state dict (`resnet18().state_dict()`), saved as safetensors: keys `conv1.weight`,
 * `bn1.running_mean`, `layer1.0.conv1.weight`, `layer2.0.downsample.0.weight`, ..., PyTorch layouts.
 * It maps one-to-one onto `ResNetTrunk`; the classifier (`fc.*`) and BatchNorm's `num_batches_tracked`
 * are ignored on import.
 */
export const torchvisionTransfer: Transfer = {
  name: 'torchvision ResNet',
  layout: 'pytorch',
  fileKey: (key) => key,
  ignore: (fileKey) => fileKey === 'fc.weight' || fileKey === 'fc.bias' || isNumBatchesTracked(fileKey),
};

export function isNumBatchesTracked(fileKey: string): boolean {
  return fileKey.endsWith('.num_batches_tracked');
}

/** Whether the keys look like a torchvision ResNet state dict. */
export function looksLikeTorchvision(keys: ReadonlySet<string>): boolean {
  return keys.has('conv1.weight') && [...keys].some((k) => k.startsWith('layer1.'));
}
