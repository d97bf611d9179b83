import { FCN, FCN_VARIANTS, type FcnVariant, type UpsampleInit } from './fcn.js';
import { RESNET_BLOCKS, type ResNetArch } from './resnet.js';
import { isTorchvisionFcnConfig, type ModelConfig, type SegmentationModel } from './segmentation-model.js';
import { checkTorchvisionFcnConfig, describeTorchvisionFcn } from './torchvision-fcn/config.js';
import { TorchvisionFCN } from './torchvision-fcn/model.js';

/** Metadata key under which the model's config travels, as JSON. */
export const CONFIG_KEY = 'config';

/**
 * A one-line description of a config, for messages: 'FCN-8s on resnet18 (width 64), 21 classes', or
 * 'torchvision FCN on resnet50 [3, 4, 6, 3], 21 classes, with aux head'.
 */
export function describeConfig(config: ModelConfig): string {
  if (isTorchvisionFcnConfig(config)) return describeTorchvisionFcn(config);
  return `FCN-${config.variant} on ${config.trunk.arch} (width ${config.trunk.width}), ${config.numClasses} classes`;
}

/** Whether two configs describe models with the same state-dict keys and shapes. */
export function sameArchitecture(a: ModelConfig, b: ModelConfig): boolean {
  if (isTorchvisionFcnConfig(a) || isTorchvisionFcnConfig(b)) {
    return (
      isTorchvisionFcnConfig(a) &&
      isTorchvisionFcnConfig(b) &&
      a.backbone.blocks.every((n, i) => n === b.backbone.blocks[i]) &&
      a.numClasses === b.numClasses &&
      a.aux === b.aux
    );
  }
  return (
    a.trunk.arch === b.trunk.arch &&
    a.trunk.width === b.trunk.width &&
    a.variant === b.variant &&
    a.numClasses === b.numClasses
  );
}

const isPositiveInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

/**
 * The config stored in a weight file's metadata, checked field by field (the file may come from
 * anywhere: a bad config is refused with a message naming the field).
 */
export function parseConfig(json: string): ModelConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new Error(`weight file metadata '${CONFIG_KEY}' is not JSON (${(e as Error).message})`);
  }
  const bad = (field: string, expected: string, value: unknown): never => {
    throw new Error(
      `weight file metadata '${CONFIG_KEY}': ${field} should be ${expected}, got ${JSON.stringify(value)}`,
    );
  };
  if (typeof raw !== 'object' || raw === null) return bad('the config', 'an object', raw);
  if ((raw as { kind?: unknown }).kind === 'torchvision-fcn') {
    return checkTorchvisionFcnConfig(raw, `weight file metadata '${CONFIG_KEY}'`);
  }
  const {
    trunk,
    variant,
    numClasses,
    upsampleInit = 'bilinear',
    classNames,
  } = raw as Record<string, unknown>;
  if (typeof trunk !== 'object' || trunk === null) return bad('trunk', 'an object', trunk);
  const { arch, width } = trunk as Record<string, unknown>;
  if (typeof arch !== 'string' || !Object.hasOwn(RESNET_BLOCKS, arch)) {
    bad('trunk.arch', Object.keys(RESNET_BLOCKS).join(' or '), arch);
  }
  if (!isPositiveInt(width)) bad('trunk.width', 'a positive integer', width);
  if (!FCN_VARIANTS.includes(variant as FcnVariant)) bad('variant', FCN_VARIANTS.join(' or '), variant);
  if (!isPositiveInt(numClasses)) bad('numClasses', 'a positive integer', numClasses);
  if (upsampleInit !== 'bilinear' && upsampleInit !== 'xavier') {
    bad('upsampleInit', 'bilinear or xavier', upsampleInit);
  }
  if (
    classNames !== undefined &&
    (!Array.isArray(classNames) ||
      classNames.length !== numClasses ||
      !classNames.every((n) => typeof n === 'string'))
  ) {
    bad('classNames', `${numClasses} strings`, classNames);
  }
  return {
    trunk: { arch: arch as ResNetArch, width: width as number },
    variant: variant as FcnVariant,
    numClasses: numClasses as number,
    upsampleInit: upsampleInit as UpsampleInit,
    ...(classNames ? { classNames: [...(classNames as string[])] } : {}),
  };
}

/** Build a model for a config, with throwaway seeded weights that a load then replaces. */
export function buildFromConfig(config: ModelConfig): SegmentationModel {
  if (isTorchvisionFcnConfig(config)) return new TorchvisionFCN(config, { seed: 0 });
  return new FCN({
    trunk: { ...config.trunk },
    variant: config.variant,
    numClasses: config.numClasses,
    init: config.upsampleInit,
    classNames: config.classNames,
    seed: 0,
  });
}
