import type { Safetensors } from '../safetensors/read.js';
import { looksLikeTorchvisionFcn } from '../torchvision-fcn/state.js';
import { looksLikeD2l } from './d2l.js';
import { looksLikeTorchvision } from './torchvision.js';

/**
 * `native`: this package's own checkpoint (`saveWeights`), keys `trunk.conv1.weight`, TF.js layouts,
 * the model's config in the metadata. `torchvision`: a torchvision ResNet state dict (a trunk).
 * `d2l`: the d2l chapter's PyTorch FCN-32s state dict. `torchvision-fcn`: a torchvision FCN state dict
 * (`fcn_resnet50().state_dict()`: `backbone.*`, `classifier.*`, optionally `aux_classifier.*`).
 */
export type WeightFormat = 'native' | 'torchvision' | 'd2l' | 'torchvision-fcn';

export const NATIVE_FORMAT_TAG = 'fcn.ts';

/** Which layout a file holds, from its metadata and keys. */
export function detectFormat(file: Safetensors): WeightFormat {
  const keys = new Set(file.tensors.keys());
  if (file.metadata.format === NATIVE_FORMAT_TAG || keys.has('trunk.conv1.weight')) return 'native';
  if (looksLikeTorchvisionFcn(keys)) return 'torchvision-fcn';
  if (looksLikeD2l(keys)) return 'd2l';
  if (looksLikeTorchvision(keys)) return 'torchvision';
  const sample = [...keys].slice(0, 4).map((k) => `'${k}'`);
  throw new Error(
    `unrecognised weight file: its keys (${sample.join(', ') || 'none'}${keys.size > 4 ? ', ...' : ''}) ` +
      "match none of: native fcn.ts ('trunk.conv1.weight'), torchvision ResNet ('conv1.weight', " +
      "'layer1.0.conv1.weight'), d2l PyTorch FCN ('0.weight', 'final_conv.weight', 'transpose_conv.weight'), " +
      "torchvision FCN ('backbone.layer4.*', 'classifier.4.weight')",
  );
}
