/**
 * The model's card, shown beside the result: what it is (architecture, output stride, parameters),
 * where it came from, the classes it knows, what it is good for, and, for a published model, the
 * metrics its publisher reports. Built in the worker from the model itself; plain data for the page.
 */
import { VOC_CLASSES } from '@fcn/data/browser';

/** The parts of a d2l/native FCN's config the card reads (`FcnConfig` fits). */
export interface D2lConfigLike {
  trunk: { arch: string; width: number };
  variant: string;
  numClasses: number;
  classNames?: readonly string[];
}

/** The parts of a torchvision FCN's config the card reads. */
export interface TorchvisionConfigLike {
  kind: 'torchvision-fcn';
  backbone: { arch: string; blocks?: readonly number[] };
  numClasses: number;
  aux?: boolean;
  classNames?: readonly string[];
}

export type ModelConfigLike = D2lConfigLike | TorchvisionConfigLike;

/** A published model's record, as the card shows it. */
export interface PublishedInfo {
  /** e.g. `torchvision fcn_resnet50 (COCO-val2017-VOC-labels)`. */
  name: string;
  /** e.g. `COCO val2017, VOC's 20 categories: mIoU 60.5, pixel accuracy 91.4`. */
  metrics: string[];
  /** Where the numbers come from. */
  reference?: string;
}

export interface ModelCard {
  /** e.g. `FCN-ResNet50 (torchvision)`. */
  title: string;
  /** e.g. `FCN-ResNet50, torchvision layout, output stride 8, 35.3M parameters`. */
  architecture: string;
  /** File name, URL, or what the build bundled. */
  source: string;
  /** What the model is good for, in a sentence; `warning` when its masks mean nothing. */
  note: string;
  warning: boolean;
  classes: string[];
  published?: PublishedInfo;
}

export interface CardInput {
  config: ModelConfigLike;
  numParameters: number;
  /** What the card says for the source line. */
  source: string;
  /** How the weights were stored, e.g. `PyTorch .pth` (appended to the architecture line). */
  layout?: string;
  note?: string;
  warning?: boolean;
  published?: PublishedInfo;
}

const STANDARD_BLOCKS: Record<string, readonly number[]> = {
  resnet18: [2, 2, 2, 2],
  resnet34: [3, 4, 6, 3],
  resnet50: [3, 4, 6, 3],
  resnet101: [3, 4, 23, 3],
  resnet152: [3, 8, 36, 3],
};

/** The `layout` of a PyTorch `.pth` file. */
export const PTH = 'PyTorch .pth';

const isTorchvision = (config: ModelConfigLike): config is TorchvisionConfigLike =>
  'kind' in config && config.kind === 'torchvision-fcn';

/** `resnet50` → `ResNet50`, `resnet18` → `ResNet-18` (the two families' own spellings). */
function archName(arch: string, hyphen: boolean): string {
  const depth = /^resnet(\d+)$/i.exec(arch)?.[1];
  if (depth === undefined) return arch;
  return hyphen ? `ResNet-${depth}` : `ResNet${depth}`;
}

/** `35.3M`, `412K`, `950` parameters. */
export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${Math.round(n / 1e3)}K`;
  return String(n);
}

/** The model's class names: its own, VOC's for 21 classes, else `class i`. */
export function classNamesOf(config: ModelConfigLike): string[] {
  if (config.classNames && config.classNames.length === config.numClasses) return [...config.classNames];
  if (config.numClasses === VOC_CLASSES.length) return [...VOC_CLASSES];
  return Array.from({ length: config.numClasses }, (_, i) => `class ${i}`);
}

/** The architecture line, and a short title. */
export function describeArchitecture(
  config: ModelConfigLike,
  numParameters: number,
  layout?: string,
): { title: string; architecture: string } {
  const parameters = `${formatCount(numParameters)} parameters`;
  if (isTorchvision(config)) {
    const arch = config.backbone.arch.toLowerCase();
    const standard = STANDARD_BLOCKS[arch];
    const blocks = config.backbone.blocks;
    const known = standard !== undefined && (!blocks || blocks.join() === standard.join());
    // torchvision's names for its depths; any other count of blocks ('custom') says them instead.
    const name = known
      ? `FCN-${archName(arch, false)}`
      : `FCN on a Bottleneck ResNet with ${blocks?.join('-') ?? '?'} blocks`;
    const parts = [
      name,
      // fcn.ts saves a torchvision FCN in its own layout too (config in the metadata).
      layout === 'fcn.ts' ? 'fcn.ts layout' : `torchvision layout${layout ? ` (${layout})` : ''}`,
      'output stride 8',
      ...(config.aux ? ['auxiliary head'] : []),
      parameters,
    ];
    const title = known ? `${name} (torchvision)` : 'FCN, custom Bottleneck ResNet (torchvision)';
    return { title, architecture: parts.join(', ') };
  }
  const stride = Number.parseInt(config.variant, 10);
  const trunk = `${archName(config.trunk.arch, true)} trunk of width ${config.trunk.width}`;
  const parts = [
    `FCN-${config.variant} on a ${trunk}`,
    // A d2l FCN is the only one of these PyTorch writes as a .pth (fcn.ts writes safetensors).
    ...(layout ? [layout === PTH ? 'd2l PyTorch layout (.pth)' : `${layout} layout`] : []),
    ...(Number.isFinite(stride) ? [`output stride ${stride}`] : []),
    parameters,
  ];
  return {
    title: `FCN-${config.variant}, ${archName(config.trunk.arch, true)}`,
    architecture: parts.join(', '),
  };
}

export function modelCard(input: CardInput): ModelCard {
  const { title, architecture } = describeArchitecture(input.config, input.numParameters, input.layout);
  return {
    title,
    architecture,
    source: input.source,
    note:
      input.note ??
      (input.published ? '' : 'weights from a file: what it knows depends on how it was trained'),
    warning: input.warning ?? false,
    classes: classNamesOf(input.config),
    ...(input.published ? { published: input.published } : {}),
  };
}
