import { BOTTLENECK_EXPANSION } from './bottleneck.js';
import {
  BOTTLENECK_BLOCKS,
  type BottleneckArch,
  bottleneckArchOf,
  type StageBlocks,
} from './bottleneck-resnet.js';

/** torchvision's name of the backbone, from its blocks per stage ('custom' for any other count). */
export type TorchvisionFcnArch = BottleneckArch | 'custom';

/** Everything needed to rebuild a torchvision FCN (this travels in weight-file metadata as JSON). */
export interface TorchvisionFcnConfig {
  kind: 'torchvision-fcn';
  backbone: { arch: TorchvisionFcnArch; blocks: StageBlocks };
  numClasses: number;
  /** Whether the model has `aux_classifier` (the FCNHead on layer3). */
  aux: boolean;
  /** Optional, one per class. */
  classNames?: string[];
}

/** torchvision's FCN dilates layer3 and layer4 (`replace_stride_with_dilation=[False, True, True]`). */
export const TORCHVISION_FCN_DILATION: readonly [boolean, boolean, boolean] = [false, true, true];

/** Output channels of layer3 (the aux head's input) and layer4 (the classifier's input). */
export const LAYER3_CHANNELS = 1024;
export const LAYER4_CHANNELS = 2048;

/**
 * Checks a config field by field and returns a clean copy; `where` names its source in errors (e.g.
 * "weight file metadata 'config'"). The arch must be the name of the blocks ('custom' for others).
 */
export function checkTorchvisionFcnConfig(
  raw: unknown,
  where = 'torchvision FCN config',
): TorchvisionFcnConfig {
  const bad = (field: string, expected: string, value: unknown): never => {
    throw new Error(`${where}: ${field} should be ${expected}, got ${JSON.stringify(value)}`);
  };
  if (typeof raw !== 'object' || raw === null) return bad('the config', 'an object', raw);
  const { kind, backbone, numClasses, aux, classNames } = raw as Record<string, unknown>;
  if (kind !== 'torchvision-fcn') bad('kind', "'torchvision-fcn'", kind);
  if (typeof backbone !== 'object' || backbone === null) return bad('backbone', 'an object', backbone);
  const { arch, blocks } = backbone as Record<string, unknown>;
  if (
    !Array.isArray(blocks) ||
    blocks.length !== 4 ||
    !blocks.every((n) => Number.isSafeInteger(n) && n >= 1)
  ) {
    bad('backbone.blocks', '4 positive integers (blocks in layer1..layer4)', blocks);
  }
  const named = bottleneckArchOf(blocks as StageBlocks);
  if (arch !== named) {
    const known = Object.entries(BOTTLENECK_BLOCKS)
      .map(([a, b]) => `${a} [${b}]`)
      .join(', ');
    bad('backbone.arch', `'${named}' for blocks [${blocks}] (${known}, else custom)`, arch);
  }
  if (!Number.isSafeInteger(numClasses) || (numClasses as number) < 1) {
    bad('numClasses', 'a positive integer', numClasses);
  }
  if (typeof aux !== 'boolean') bad('aux', 'true or false', aux);
  if (
    classNames !== undefined &&
    (!Array.isArray(classNames) ||
      classNames.length !== numClasses ||
      !classNames.every((n) => typeof n === 'string'))
  ) {
    bad('classNames', `${numClasses} strings`, classNames);
  }
  return {
    kind: 'torchvision-fcn',
    backbone: { arch: named, blocks: [...(blocks as StageBlocks)] },
    numClasses: numClasses as number,
    aux: aux as boolean,
    ...(classNames ? { classNames: [...(classNames as string[])] } : {}),
  };
}

/** A one-line description: 'torchvision FCN on resnet50 [3, 4, 6, 3], 21 classes, with aux head'. */
export function describeTorchvisionFcn(config: TorchvisionFcnConfig): string {
  const { arch, blocks } = config.backbone;
  return `torchvision FCN on ${arch} [${blocks.join(', ')}], ${config.numClasses} classes, ${
    config.aux ? 'with' : 'without'
  } aux head`;
}

/**
 * Every state-dict key of the model a config describes, with its shape in PyTorch's layout (OIHW convs),
 * `num_batches_tracked` left out: what `model.state_dict()` holds in torchvision. Pure: builds nothing.
 */
export function torchvisionFcnShapes(config: TorchvisionFcnConfig): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  const conv = (key: string, out: number, inC: number, k: number) =>
    shapes.set(`${key}.weight`, [out, inC, k, k]);
  const bn = (key: string, c: number) => {
    for (const name of ['weight', 'bias', 'running_mean', 'running_var']) shapes.set(`${key}.${name}`, [c]);
  };
  conv('backbone.conv1', 64, 3, 7);
  bn('backbone.bn1', 64);
  let inC = 64;
  config.backbone.blocks.forEach((count, stage) => {
    const planes = 64 * 2 ** stage;
    const outC = planes * BOTTLENECK_EXPANSION;
    for (let b = 0; b < count; b++) {
      const p = `backbone.layer${stage + 1}.${b}`;
      conv(`${p}.conv1`, planes, b === 0 ? inC : outC, 1);
      bn(`${p}.bn1`, planes);
      conv(`${p}.conv2`, planes, planes, 3);
      bn(`${p}.bn2`, planes);
      conv(`${p}.conv3`, outC, planes, 1);
      bn(`${p}.bn3`, outC);
      // Every stage's first block changes the channels (64 -> 256, 256 -> 512, ...), so it downsamples.
      if (b === 0) {
        conv(`${p}.downsample.0`, outC, inC, 1);
        bn(`${p}.downsample.1`, outC);
      }
    }
    inC = outC;
  });
  const head = (prefix: string, inChannels: number) => {
    const inter = inChannels / 4;
    conv(`${prefix}.0`, inter, inChannels, 3);
    bn(`${prefix}.1`, inter);
    conv(`${prefix}.4`, config.numClasses, inter, 1);
    shapes.set(`${prefix}.4.bias`, [config.numClasses]);
  };
  head('classifier', LAYER4_CHANNELS);
  if (config.aux) head('aux_classifier', LAYER3_CHANNELS);
  return shapes;
}
