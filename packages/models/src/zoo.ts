/**
 * The model zoo: what torchvision publishes that fcn.ts can start from, described and never fetched
 * (fetching is `@fcn/hub`'s). Each entry is a downloadable file (name, file name, URLs, checksum)
 * plus what the weights are: a classification trunk or a whole segmentation model, their classes,
 * their published metrics and licence.
 */

/**
 * A file that can be downloaded and checked. `@fcn/hub` declares the same shape; `models` and `data`
 * each declare it too, so neither depends on the other nor on the hub.
 */
export interface DownloadableFile {
  /** The short name commands take (`fcn download resnet18`). */
  readonly name: string;
  /** The file's name, in every URL and in the cache. */
  readonly fileName: string;
  /** Where it can be fetched, tried in order. */
  readonly urls: readonly string[];
  /** `sha256-prefix`: the first hex digits of the SHA-256 (torchvision's rule for weight files). */
  readonly checksum: { readonly algorithm: 'sha256-prefix' | 'sha1' | 'sha256'; readonly hex: string };
  /** The exact size, when known (checked against the server's). */
  readonly sizeBytes?: number;
}

export type ZooKind = 'trunk' | 'segmentation';

export interface ZooMetric {
  /** e.g. `top-1`, `mIoU`, `pixel acc`. */
  readonly name: string;
  /** In percent. */
  readonly value: number;
}

export interface ZooEntry extends DownloadableFile {
  readonly name: ZooName;
  /** `trunk`: an ImageNet classifier whose trunk the FCN uses; `segmentation`: a whole FCN. */
  readonly kind: ZooKind;
  readonly arch: 'resnet18' | 'resnet34' | 'resnet50' | 'resnet101';
  /** The first 8 hex digits of the file's SHA-256: the 8 after the last `-` of its name. */
  readonly sha256Prefix: string;
  /** torchvision's weights enum member the file belongs to, e.g. `ResNet18_Weights.IMAGENET1K_V1`. */
  readonly weights: string;
  readonly licence: string;
  /** The data set the classes come from, how many, and their names where the zoo lists them. */
  readonly classes: { readonly dataset: string; readonly count: number; readonly names?: readonly string[] };
  readonly parameters: number;
  /** Published metrics and what they were measured on. */
  readonly metrics: { readonly on: string; readonly values: readonly ZooMetric[] };
  /** About 4 bytes a parameter: for display only, never checked against a download. */
  readonly approxSizeBytes: number;
  readonly description: string;
}

/** PASCAL VOC's 21 classes in label order, as the FCN weights' outputs are (the names `@fcn/data` uses). */
export const ZOO_VOC_CLASSES = [
  'background',
  'aeroplane',
  'bicycle',
  'bird',
  'boat',
  'bottle',
  'bus',
  'car',
  'cat',
  'chair',
  'cow',
  'diningtable',
  'dog',
  'horse',
  'motorbike',
  'person',
  'potted plant',
  'sheep',
  'sofa',
  'train',
  'tv/monitor',
] as const;

const TORCHVISION_BASE = 'https://download.pytorch.org/models/';

const LICENCE =
  "BSD-3-Clause (torchvision's code); the weights' terms follow their training data's (ImageNet, COCO)";

const IMAGENET = { dataset: 'ImageNet-1k', count: 1000 } as const;
const VOC = { dataset: 'PASCAL VOC', count: ZOO_VOC_CLASSES.length, names: ZOO_VOC_CLASSES } as const;
const COCO_VOC = 'COCO val2017, the 20 VOC categories';

interface EntrySpec {
  fileName: string;
  kind: ZooKind;
  arch: ZooEntry['arch'];
  weights: string;
  parameters: number;
  classes: ZooEntry['classes'];
  metrics: ZooEntry['metrics'];
  description: string;
}

function torchvisionEntry<N extends ZooName>(name: N, spec: EntrySpec): ZooEntry & { name: N } {
  const sha256Prefix = spec.fileName.slice(spec.fileName.lastIndexOf('-') + 1, -'.pth'.length);
  return {
    name,
    ...spec,
    urls: [`${TORCHVISION_BASE}${spec.fileName}`],
    sha256Prefix,
    checksum: { algorithm: 'sha256-prefix', hex: sha256Prefix },
    licence: LICENCE,
    approxSizeBytes: spec.parameters * 4,
  };
}

function trunk(
  name: 'resnet18' | 'resnet34' | 'resnet50' | 'resnet101',
  fileName: string,
  weightsEnum: string,
  parameters: number,
  top1: number,
) {
  return torchvisionEntry(name, {
    fileName,
    kind: 'trunk',
    arch: name,
    weights: `${weightsEnum}.IMAGENET1K_V1`,
    parameters,
    classes: IMAGENET,
    metrics: { on: 'ImageNet-1k val', values: [{ name: 'top-1', value: top1 }] },
    description: `torchvision's ${name.replace('resnet', 'ResNet-')} trained on ImageNet: a pretrained trunk for fcn train --pretrained`,
  });
}

function segmentation(
  name: 'fcn_resnet50' | 'fcn_resnet101',
  fileName: string,
  arch: 'resnet50' | 'resnet101',
  parameters: number,
  miou: number,
  pixelAcc: number,
) {
  return torchvisionEntry(name, {
    fileName,
    kind: 'segmentation',
    arch,
    weights: `FCN_${arch.replace('resnet', 'ResNet')}_Weights.COCO_WITH_VOC_LABELS_V1`,
    parameters,
    classes: VOC,
    metrics: {
      on: COCO_VOC,
      values: [
        { name: 'mIoU', value: miou },
        { name: 'pixel acc', value: pixelAcc },
      ],
    },
    description: `torchvision's FCN with a ${arch.replace('resnet', 'ResNet-')} trunk, trained on COCO's VOC classes: segments photos as is`,
  });
}

/** Every model the zoo knows, by name. Parameter counts and metrics are torchvision's published ones. */
export const MODEL_ZOO = {
  resnet18: trunk('resnet18', 'resnet18-f37072fd.pth', 'ResNet18_Weights', 11_689_512, 69.758),
  resnet34: trunk('resnet34', 'resnet34-b627a593.pth', 'ResNet34_Weights', 21_797_672, 73.314),
  resnet50: trunk('resnet50', 'resnet50-0676ba61.pth', 'ResNet50_Weights', 25_557_032, 76.13),
  resnet101: trunk('resnet101', 'resnet101-63fe2227.pth', 'ResNet101_Weights', 44_549_160, 77.374),
  fcn_resnet50: segmentation(
    'fcn_resnet50',
    'fcn_resnet50_coco-1167a1af.pth',
    'resnet50',
    35_322_218,
    60.5,
    91.4,
  ),
  fcn_resnet101: segmentation(
    'fcn_resnet101',
    'fcn_resnet101_coco-7ecb50ca.pth',
    'resnet101',
    54_314_346,
    63.7,
    91.9,
  ),
} as const;

export type ZooName = 'resnet18' | 'resnet34' | 'resnet50' | 'resnet101' | 'fcn_resnet50' | 'fcn_resnet101';

export const ZOO_NAMES = Object.keys(MODEL_ZOO) as ZooName[];

export function isZooName(name: string): name is ZooName {
  return Object.hasOwn(MODEL_ZOO, name);
}

/** The zoo entry called `name`; an error naming every known one otherwise. */
export function zooEntry(name: string): ZooEntry {
  if (!isZooName(name))
    throw new Error(`unknown model '${name}': the zoo has ${ZOO_NAMES.join(', ')} (fcn models lists them)`);
  return MODEL_ZOO[name];
}
