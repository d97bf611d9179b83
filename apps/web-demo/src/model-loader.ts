/**
 * Models from weight bytes, in the worker: whatever `fromWeights` rebuilds (a torchvision FCN state
 * dict, `.pth` straight from torchvision or safetensors; our checkpoint; a d2l PyTorch FCN state
 * dict), each with its card; or, with no weights at all, an untrained FCN that says so.
 */
import { detectFormat, fcn, fromWeights, readWeightFile, type SegmentationModel } from '@fcn/models';
import { type ModelCard, type ModelConfigLike, modelCard, PTH, type PublishedInfo } from './model-card.js';
import type { WeightsOrigin } from './worker-protocol.js';
import { matchZoo } from './zoo-match.js';

export type { SegmentationModel };

export interface LoadedModel {
  model: SegmentationModel;
  card: ModelCard;
}

/** The note on the card of the model `pnpm train` makes. */
export const DEFAULT_MODEL_NOTE = 'knows the synthetic scenes of the default job (pnpm train), not photos';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/**
 * The legacy format's start: pickle protocol 2 (0x80 0x02), then LONG1 (0x8a) of 10 bytes (0x0a), the
 * magic number 0x1950a86a20f9469cfc6c little-endian.
 */
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/** A PyTorch `.pth` file: a zip archive since PyTorch 1.6, a sequence of pickles before. */
export const isPth = (bytes: Uint8Array) => startsWith(bytes, ZIP_MAGIC) || startsWith(bytes, LEGACY_MAGIC);

const LAYOUTS = { native: 'fcn.ts', d2l: 'd2l PyTorch', 'torchvision-fcn': 'safetensors' } as const;

/**
 * How the file stores its model, for the card (undefined when its bytes say nothing clear; then
 * `fromWeights` says what is wrong). A torchvision trunk alone is refused here, with the reason.
 */
function storedLayout(bytes: Uint8Array): string | undefined {
  let format: keyof typeof LAYOUTS | 'torchvision';
  try {
    format = detectFormat(readWeightFile(bytes));
  } catch {
    return undefined;
  }
  if (format === 'torchvision')
    throw new Error('it holds only a ResNet trunk (torchvision layout), not an FCN');
  return isPth(bytes) ? PTH : LAYOUTS[format];
}

/** How the card names where the weights came from. */
export function describeOrigin(origin: WeightsOrigin): string {
  switch (origin.kind) {
    case 'default':
      return 'runs/synthetic/model.safetensors, the checkpoint pnpm train wrote (bundled at build time)';
    case 'file':
      return `file ${origin.name}`;
    case 'url':
      return origin.name;
  }
}

/**
 * A model from weight-file bytes, its card with torchvision's published metrics when the file is one
 * of the zoo's (see `matchZoo`); errors name the file and say what the page needs.
 */
export async function loadModel(bytes: Uint8Array, origin: WeightsOrigin): Promise<LoadedModel> {
  const zoo = origin.kind === 'default' ? null : await matchZoo(bytes, origin.name, isPth(bytes));
  return modelFromBytes(bytes, origin, zoo ?? {});
}

/** What a card says beyond what the model itself tells. */
export interface CardExtras {
  published?: PublishedInfo;
  note?: string;
}

/** A model from weight-file bytes (no zoo look-up); errors name the file and say what the page needs. */
export function modelFromBytes(
  bytes: Uint8Array,
  origin: WeightsOrigin,
  extras: CardExtras = {},
): LoadedModel {
  let layout: string | undefined;
  let model: SegmentationModel;
  try {
    layout = storedLayout(bytes);
    model = fromWeights(bytes);
  } catch (error) {
    throw new Error(`${origin.name} is not a model this page can run: ${(error as Error).message}`);
  }
  const card = modelCard({
    config: model.config as ModelConfigLike,
    numParameters: model.numParameters(),
    source: describeOrigin(origin),
    ...(layout ? { layout } : {}),
    ...(origin.kind === 'default' ? { note: DEFAULT_MODEL_NOTE } : {}),
    ...(extras.note ? { note: extras.note } : {}),
    ...(extras.published ? { published: extras.published } : {}),
  });
  return { model, card };
}

/** An FCN with random weights (bilinear upsampler), so the page works before any training. */
export function untrainedModel(): LoadedModel {
  const model = fcn({ numClasses: 21, trunk: { arch: 'resnet18', width: 16 }, seed: 0 });
  const card = modelCard({
    config: model.config,
    numParameters: model.numParameters(),
    source: 'none: no weights were bundled or chosen',
    note: 'untrained model (random weights): its masks mean nothing. Run pnpm train and rebuild, or choose a weights file',
    warning: true,
  });
  return { model, card };
}
