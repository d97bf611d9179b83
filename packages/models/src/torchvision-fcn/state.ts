import { loadInto, type Transfer } from '../formats/state-transfer.js';
import { isNumBatchesTracked } from '../formats/torchvision.js';
import { FLOAT_DTYPES, type RawTensor } from '../safetensors/dtypes.js';
import type { StageBlocks } from './bottleneck-resnet.js';
import { bottleneckArchOf } from './bottleneck-resnet.js';
import { describeTorchvisionFcn, type TorchvisionFcnConfig, torchvisionFcnShapes } from './config.js';
import { TorchvisionFCN } from './model.js';

/**
 * torchvision's FCN state dict (`fcn_resnet50().state_dict()`), saved as safetensors: keys
 * `backbone.conv1.weight`, `backbone.layer4.2.conv3.weight`, `classifier.4.bias`, `aux_classifier.0.weight`,
 * ..., PyTorch layouts. It maps one-to-one onto `TorchvisionFCN`; BatchNorm's `num_batches_tracked` is
 * ignored on import.
 */
export const torchvisionFcnTransfer: Transfer = {
  name: 'torchvision FCN',
  layout: 'pytorch',
  fileKey: (key) => key,
  ignore: isNumBatchesTracked,
};

/**
 * Whether the keys look like a torchvision FCN state dict: `backbone.layer4.*`, and FCNHead's
 * `classifier.0.weight` and `classifier.4.weight` (torchvision's DeepLabV3 also has `classifier.4.weight`,
 * but its `classifier.0` is an ASPP module: `classifier.0.convs.*`).
 */
export function looksLikeTorchvisionFcn(keys: ReadonlySet<string>): boolean {
  return (
    keys.has('classifier.4.weight') &&
    keys.has('classifier.0.weight') &&
    [...keys].some((k) => k.startsWith('backbone.layer4.'))
  );
}

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

function listed(label: string, items: string[], max = 6): string {
  const more = items.length > max ? ` and ${items.length - max} more` : '';
  return `${label}: ${items.slice(0, max).join(', ')}${more}`;
}

/**
 * The architecture of a torchvision FCN state dict, from its keys and shapes alone: blocks per stage
 * from the highest block index under `backbone.layer1..4`, classes from `classifier.4.weight`, the aux
 * head from any `aux_classifier.*` key. Then every key and shape is checked against what that
 * architecture holds (PyTorch layout), so an inconsistent file (a missing stage or block, a wrong channel
 * count, a stray key, a non-float tensor) is refused here, with one error naming the keys, before
 * anything is built.
 */
export function torchvisionFcnConfigFromState(tensors: Map<string, RawTensor>): TorchvisionFcnConfig {
  const keys = [...tensors.keys()];
  const classifier = tensors.get('classifier.4.weight');
  if (!classifier) {
    throw new Error(
      "not a torchvision FCN state dict: no 'classifier.4.weight' (expected keys such as 'backbone.layer4.0.conv1.weight', 'classifier.4.weight')",
    );
  }
  if (classifier.shape.length !== 4 || !(classifier.shape[0]! >= 1)) {
    throw new Error(
      `torchvision FCN state dict: 'classifier.4.weight' should be [classes, 512, 1, 1], got ${fmt(classifier.shape)}`,
    );
  }
  const blocks = [1, 2, 3, 4].map((stage) => {
    const pattern = new RegExp(`^backbone\\.layer${stage}\\.(\\d+)\\.`);
    let highest = -1;
    for (const key of keys) {
      const match = pattern.exec(key);
      if (match) highest = Math.max(highest, Number(match[1]));
    }
    if (highest < 0) {
      throw new Error(
        `torchvision FCN state dict: stage 'backbone.layer${stage}' is missing (no 'backbone.layer${stage}.0.*' keys)`,
      );
    }
    return highest + 1;
  }) as StageBlocks;
  const config: TorchvisionFcnConfig = {
    kind: 'torchvision-fcn',
    backbone: { arch: bottleneckArchOf(blocks), blocks },
    numClasses: classifier.shape[0]!,
    aux: keys.some((k) => k.startsWith('aux_classifier.')),
  };
  const expected = torchvisionFcnShapes(config);
  const missing: string[] = [];
  const problems: string[] = [];
  for (const [key, shape] of expected) {
    const found = tensors.get(key);
    if (!found) missing.push(`'${key}' ${fmt(shape)}`);
    else if (!FLOAT_DTYPES.includes(found.dtype))
      problems.push(`'${key}': expected a float tensor, got ${found.dtype}`);
    else if (found.shape.length !== shape.length || found.shape.some((n, i) => n !== shape[i])) {
      problems.push(`'${key}': expected shape ${fmt(shape)}, got ${fmt(found.shape)}`);
    }
  }
  const unexpected = keys.filter((k) => !expected.has(k) && !isNumBatchesTracked(k)).map((k) => `'${k}'`);
  if (missing.length) problems.unshift(listed('missing keys', missing));
  if (unexpected.length) problems.push(listed('unexpected keys', unexpected));
  if (problems.length) {
    throw new Error(
      `torchvision FCN state dict is inconsistent (read as ${describeTorchvisionFcn(config)}): ${problems.join('; ')}`,
    );
  }
  return config;
}

/**
 * A `TorchvisionFCN` rebuilt from a torchvision FCN state dict alone (`torchvisionFcnConfigFromState`),
 * with the file's weights loaded. `classNames`, when given, must be one per class.
 */
export function torchvisionFcnFromState(
  tensors: Map<string, RawTensor>,
  options: { classNames?: string[] } = {},
): TorchvisionFCN {
  const config = torchvisionFcnConfigFromState(tensors);
  const model = new TorchvisionFCN({
    ...config,
    ...(options.classNames ? { classNames: [...options.classNames] } : {}),
  });
  try {
    loadInto(model, tensors, torchvisionFcnTransfer);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}
