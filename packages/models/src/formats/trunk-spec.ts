/**
 * What an ImageNet ResNet state dict (torchvision's `resnet18().state_dict()` ... `resnet101()`) holds,
 * read from its keys and shapes: a BasicBlock trunk (ResNet-18/34, any width) for the chapter's FCN, or
 * a Bottleneck trunk (ResNet-50/101/152) for torchvision's FCN. Nothing is built.
 */
import { RESNET_BLOCKS, type ResNetArch } from '../resnet.js';
import type { RawTensor } from '../safetensors/dtypes.js';
import type { StageBlocks } from '../torchvision-fcn/bottleneck-resnet.js';

export type TrunkFileSpec =
  | { block: 'basic'; arch: ResNetArch; width: number }
  | { block: 'bottleneck'; blocks: StageBlocks };

export function trunkSpecFromState(tensors: Map<string, RawTensor>): TrunkFileSpec {
  const keys = new Set(tensors.keys());
  const stem = tensors.get('conv1.weight');
  if (!stem || stem.shape.length !== 4) {
    throw new Error("not a torchvision ResNet state dict: it has no 'conv1.weight' [width, 3, 7, 7]");
  }
  const blocks = [1, 2, 3, 4].map((stage) => {
    let count = 0;
    while (keys.has(`layer${stage}.${count}.conv1.weight`)) count++;
    return count;
  }) as StageBlocks;
  if (blocks.some((n) => n === 0)) {
    throw new Error(`not a torchvision ResNet state dict: layer1..layer4 hold [${blocks}] blocks`);
  }
  if (keys.has('layer1.0.conv3.weight')) return { block: 'bottleneck', blocks };
  for (const [arch, expected] of Object.entries(RESNET_BLOCKS)) {
    if (expected.every((n, i) => n === blocks[i])) {
      return { block: 'basic', arch: arch as ResNetArch, width: stem.shape[0]! };
    }
  }
  throw new Error(
    `a BasicBlock ResNet with [${blocks}] blocks is neither resnet18 [${RESNET_BLOCKS.resnet18}] nor resnet34 [${RESNET_BLOCKS.resnet34}]`,
  );
}
