import { buildFromConfig, CONFIG_KEY, describeConfig, parseConfig, sameArchitecture } from './checkpoint.js';
import { FCN, type FcnConfig } from './fcn.js';
import { d2lArch, d2lTransfer } from './formats/d2l.js';
import { detectFormat, NATIVE_FORMAT_TAG, type WeightFormat } from './formats/detect.js';
import { loadInto, stateToFile, type Transfer } from './formats/state-transfer.js';
import { torchvisionTransfer } from './formats/torchvision.js';
import type { ResNetTrunk } from './resnet.js';
import { float16Tensors, type RawTensor } from './safetensors/dtypes.js';
import type { Safetensors } from './safetensors/read.js';
import { writeSafetensors } from './safetensors/write.js';
import { isTorchvisionFcnConfig, type ModelConfig, type SegmentationModel } from './segmentation-model.js';
import type { BottleneckResNet } from './torchvision-fcn/bottleneck-resnet.js';
import { LAYER4_CHANNELS } from './torchvision-fcn/config.js';
import { TorchvisionFCN } from './torchvision-fcn/model.js';
import { torchvisionFcnConfigFromState, torchvisionFcnTransfer } from './torchvision-fcn/state.js';
import { checkWeightFile, type WeightCheckOptions } from './weight-checks.js';
import { withChecksum } from './weight-checksum.js';
import { readWeightFile } from './weight-file.js';
import { assertFileCanHold } from './weight-size.js';

const nativeTransfer: Transfer = { name: 'fcn.ts', layout: 'tfjs', fileKey: (key) => key };

export interface SaveWeightsOptions {
  /**
   * 'native' (default): every parameter and buffer in TF.js layouts, with the config in the metadata,
   * so `fromWeights` rebuilds the model. 'd2l': the chapter's PyTorch FCN-32s state dict (FCN-32s only).
   * 'torchvision': for the chapter's FCN the trunk alone as a torchvision ResNet state dict (without
   * `fc.*`); for a torchvision FCN its whole state dict, as `fcn_resnet50().load_state_dict` takes it
   * ('torchvision-fcn' says the same).
   */
  format?: WeightFormat;
  /** 'float32' (default), or 'float16' to halve the file (values rounded to half precision). */
  dtype?: WeightDtype;
}

export type WeightDtype = 'float32' | 'float16';

/** The model's weights as a safetensors file. */
export function saveWeights(model: SegmentationModel, options: SaveWeightsOptions = {}): Uint8Array {
  const { format = 'native', dtype = 'float32' } = options;
  if (dtype !== 'float32' && dtype !== 'float16') {
    throw new Error(`saveWeights: unknown dtype '${dtype}' (float32 or float16)`);
  }
  const write = (tensors: Map<string, RawTensor>, metadata: Record<string, string>) =>
    writeChecked(dtype === 'float16' ? float16Tensors(tensors) : tensors, metadata);
  const config = JSON.stringify(model.config);
  switch (format) {
    case 'native':
      return write(stateToFile(model, nativeTransfer), { format: NATIVE_FORMAT_TAG, [CONFIG_KEY]: config });
    case 'd2l': {
      const d2lModel = assertD2lVariant(model);
      // PyTorch's convention for a state dict in safetensors is metadata format 'pt'.
      return write(stateToFile(d2lModel, d2lTransfer, { numBatchesTracked: true }), {
        format: 'pt',
        [CONFIG_KEY]: config,
      });
    }
    case 'torchvision':
    case 'torchvision-fcn':
      if (model instanceof TorchvisionFCN) {
        return write(stateToFile(model, torchvisionFcnTransfer, { numBatchesTracked: true }), {
          format: 'pt',
          [CONFIG_KEY]: config,
        });
      }
      if (format === 'torchvision-fcn') {
        throw new Error("saveWeights: the 'torchvision-fcn' layout holds a torchvision FCN, not this FCN");
      }
      return write(stateToFile(model.trunk, torchvisionTransfer, { numBatchesTracked: true }), {
        format: 'pt',
      });
    default:
      throw new Error(`saveWeights: unknown format '${format}' (native, d2l or torchvision)`);
  }
}

/** A safetensors file with the checksum of its tensors in the metadata (verified on load). */
function writeChecked(tensors: Map<string, RawTensor>, metadata: Record<string, string>): Uint8Array {
  return writeSafetensors(tensors, withChecksum(tensors, metadata));
}

/** What a weight file loads into: a whole model, or a trunk alone. */
export type WeightTarget = SegmentationModel | ResNetTrunk | BottleneckResNet;

export interface LoadWeightsOptions extends WeightCheckOptions {
  /** Skip detection and insist on this layout. */
  format?: WeightFormat;
}

export interface LoadReport {
  format: WeightFormat;
  /** File keys that were deliberately not loaded (`fc.*`, `num_batches_tracked`). */
  ignored: string[];
}

/**
 * Load a weight file (safetensors or a PyTorch .pth: `readWeightFile`) into a model, detecting its layout
 * from the keys (see `detectFormat`):
 * a native checkpoint into the model it was saved from; a d2l PyTorch FCN-32s state dict into an `FCN`; a
 * torchvision FCN state dict into a `TorchvisionFCN`; a torchvision ResNet state dict (an ImageNet
 * trunk) into the trunk of either model (its head keeps its initialisation) or into a trunk alone.
 * A file of the wrong kind, a missing key or a wrong shape is refused with an error naming the key and
 * what was expected; nothing changes unless every check passes.
 */
export function loadWeights(
  model: WeightTarget,
  bytes: Uint8Array | ArrayBuffer,
  options: LoadWeightsOptions = {},
): LoadReport {
  const file = readWeightFile(bytes);
  checkWeightFile(file, options);
  return loadParsed(model, file, options.format ?? detectFormat(file));
}

function loadParsed(model: WeightTarget, file: Safetensors, format: WeightFormat): LoadReport {
  if (format === 'torchvision') {
    const trunk = model instanceof FCN || model instanceof TorchvisionFCN ? model.trunk : model;
    return { format, ignored: loadInto(trunk, file.tensors, torchvisionTransfer) };
  }
  if (!(model instanceof FCN || model instanceof TorchvisionFCN)) {
    throw new Error(
      `a ${format} weight file holds a whole model; load it into an FCN or TorchvisionFCN, not a trunk`,
    );
  }
  if (format === 'd2l') {
    return { format, ignored: loadInto(assertD2lVariant(model), file.tensors, d2lTransfer) };
  }
  if (format === 'torchvision-fcn') {
    if (!(model instanceof TorchvisionFCN)) {
      throw new Error(
        "a torchvision FCN weight file (backbone.*, classifier.*) loads into a TorchvisionFCN, not the chapter's FCN",
      );
    }
    return { format, ignored: loadInto(model, file.tensors, torchvisionFcnTransfer) };
  }
  if (format === 'native') {
    const stored = file.metadata[CONFIG_KEY];
    if (stored !== undefined) {
      const config = parseConfig(stored);
      if (!sameArchitecture(config, model.config)) {
        throw new Error(
          `this weight file holds ${describeConfig(config)}; the model is ${describeConfig(model.config)}`,
        );
      }
    }
    return { format, ignored: loadInto(model, file.tensors, nativeTransfer) };
  }
  throw new Error(`loadWeights: unknown format '${format}' (native, d2l or torchvision)`);
}

/**
 * Rebuild a model from a weight file alone (safetensors or .pth): a native checkpoint (its config is in
 * the metadata), a d2l PyTorch FCN state dict (trunk depth and width, and the class count, are read
 * from the shapes) or a torchvision FCN state dict (`fcn_resnet50`/`fcn_resnet101`: backbone depth, aux
 * head and class count read from the keys and shapes). A torchvision ResNet file holds only a trunk:
 * build a model and `loadWeights` it instead.
 */
export function fromWeights(
  bytes: Uint8Array | ArrayBuffer,
  options: WeightCheckOptions = {},
): SegmentationModel {
  const file = readWeightFile(bytes);
  checkWeightFile(file, options);
  const format = detectFormat(file);
  if (format === 'torchvision') {
    throw new Error(
      'a torchvision ResNet file holds only a trunk: build a model with fcn({ trunk }) and call loadWeights(model, bytes)',
    );
  }
  const config =
    format === 'native'
      ? nativeConfig(file)
      : format === 'torchvision-fcn'
        ? torchvisionFcnConfig(file)
        : d2lConfig(file);
  assertFileCanHold(file, config, describeConfig(config));
  const model = buildFromConfig(config);
  try {
    loadParsed(model, file, format);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

function nativeConfig(file: Safetensors): ModelConfig {
  const stored = file.metadata[CONFIG_KEY];
  if (stored === undefined) {
    throw new Error(
      `this fcn.ts weight file has no '${CONFIG_KEY}' metadata, so fromWeights cannot rebuild it`,
    );
  }
  const config = parseConfig(stored);
  // Check the config against the tensors before building anything from it.
  if (isTorchvisionFcnConfig(config)) {
    expectShape(file, 'backbone.conv1.weight', [7, 7, 3, 64]);
    expectShape(file, 'classifier.4.weight', [1, 1, LAYER4_CHANNELS / 4, config.numClasses]);
    return config;
  }
  const { width } = config.trunk;
  expectShape(file, 'trunk.conv1.weight', [7, 7, 3, width]);
  expectShape(file, 'final_conv.weight', [1, 1, 8 * width, config.numClasses]);
  return config;
}

/** A torchvision FCN's config from its keys and shapes, with the class names of a file fcn.ts wrote. */
function torchvisionFcnConfig(file: Safetensors): ModelConfig {
  const inferred = torchvisionFcnConfigFromState(file.tensors);
  const stored = file.metadata[CONFIG_KEY];
  if (stored !== undefined) {
    const config = parseConfig(stored);
    if (sameArchitecture(config, inferred)) return config;
  }
  return inferred;
}

function d2lConfig(file: Safetensors): FcnConfig {
  const stem = tensorOf(file, '0.weight', '[width, 3, 7, 7]');
  const width = stem.shape[0]!;
  expectShape(file, '0.weight', [width, 3, 7, 7]);
  const score = tensorOf(file, 'final_conv.weight', `[numClasses, ${8 * width}, 1, 1]`);
  const numClasses = score.shape[0]!;
  expectShape(file, 'final_conv.weight', [numClasses, 8 * width, 1, 1]);
  const inferred: FcnConfig = {
    trunk: { arch: d2lArch(new Set(file.tensors.keys())), width },
    variant: '32s',
    numClasses,
    upsampleInit: 'bilinear',
  };
  // A file that fcn.ts exported carries its config (class names included): use it when it agrees.
  const stored = file.metadata[CONFIG_KEY];
  if (stored !== undefined) {
    const config = parseConfig(stored);
    if (!isTorchvisionFcnConfig(config) && sameArchitecture(config, inferred)) return config;
  }
  return inferred;
}

function tensorOf(file: Safetensors, key: string, expected: string): RawTensor {
  const t = file.tensors.get(key);
  if (!t) throw new Error(`weight file has no '${key}' (expected ${expected})`);
  return t;
}

function expectShape(file: Safetensors, key: string, shape: number[]): void {
  const t = tensorOf(file, key, `[${shape.join(', ')}]`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`'${key}': expected shape [${shape.join(', ')}], got [${t.shape.join(', ')}]`);
  }
}

function assertD2lVariant(model: SegmentationModel): FCN {
  if (!(model instanceof FCN)) {
    throw new Error(
      "the d2l PyTorch FCN layout holds the chapter's FCN-32s on a BasicBlock ResNet; this is a torchvision FCN " +
        '(export it as torchvision or native)',
    );
  }
  if (model.variant !== '32s') {
    throw new Error(
      `the d2l PyTorch FCN layout holds an FCN-32s (final_conv, transpose_conv); this model is FCN-${model.variant}`,
    );
  }
  return model;
}
