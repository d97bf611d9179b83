import { RESNET_BLOCKS, type ResNetArch } from '../resnet.js';
import type { Transfer } from './state-transfer.js';
import { isNumBatchesTracked } from './torchvision.js';

/**
 * The d2l chapter's PyTorch FCN:
 *   net = nn.Sequential(*list(torchvision.models.resnet18().children())[:-2])
 *   net.add_module('final_conv', nn.Conv2d(512, num_classes, kernel_size=1))
 *   net.add_module('transpose_conv', nn.ConvTranspose2d(num_classes, num_classes, 64, padding=16, stride=32))
 * Its children are numbered: 0 conv1, 1 bn1, 2 relu, 3 maxpool, 4..7 layer1..layer4. So our
 * `trunk.conv1.weight` is its `0.weight`, `trunk.layer4.1.bn2.bias` its `7.1.bn2.bias`, and the head keys
 * are the same. Only FCN-32s has this layout.
 */
const TRUNK_CHILD: Record<string, string> = {
  conv1: '0',
  bn1: '1',
  layer1: '4',
  layer2: '5',
  layer3: '6',
  layer4: '7',
};

export function d2lKey(key: string): string {
  if (!key.startsWith('trunk.')) return key;
  const rest = key.slice('trunk.'.length);
  const dot = rest.indexOf('.');
  const child = TRUNK_CHILD[rest.slice(0, dot)];
  if (!child) throw new Error(`no d2l key for '${key}'`);
  return child + rest.slice(dot);
}

export const d2lTransfer: Transfer = {
  name: 'd2l PyTorch FCN',
  layout: 'pytorch',
  fileKey: d2lKey,
  ignore: isNumBatchesTracked,
};

/** Whether the keys look like the d2l PyTorch FCN state dict. */
export function looksLikeD2l(keys: ReadonlySet<string>): boolean {
  return keys.has('0.weight') || (keys.has('transpose_conv.weight') && !keys.has('trunk.conv1.weight'));
}

/**
 * The architecture of a d2l file's trunk, from how many blocks each stage (children 4..7) holds.
 */
export function d2lArch(keys: ReadonlySet<string>): ResNetArch {
  const counts = [4, 5, 6, 7].map((child) => {
    let blocks = 0;
    while (keys.has(`${child}.${blocks}.conv1.weight`)) blocks++;
    return blocks;
  });
  for (const [arch, blocks] of Object.entries(RESNET_BLOCKS)) {
    if (blocks.every((n, i) => n === counts[i])) return arch as ResNetArch;
  }
  throw new Error(
    `d2l PyTorch FCN: stages 4..7 hold [${counts}] blocks; expected ${Object.entries(RESNET_BLOCKS)
      .map(([arch, b]) => `[${b}] (${arch})`)
      .join(' or ')}`,
  );
}
