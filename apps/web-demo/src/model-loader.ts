/**
 * Models from weight bytes, in the worker: a torchvision FCN state dict (`.pth` straight from
 * torchvision, or safetensors) rebuilt by `torchvisionFcnFromState`, and whatever `fromWeights`
 * rebuilds (our checkpoint, a d2l PyTorch FCN state dict), each with its card; or, with no weights at
 * all, an untrained FCN that says so.
 */
import {
  detectFormat,
  fcn,
  fromWeights,
  looksLikeTorchvisionFcn,
  readWeightFile,
  type Safetensors,
  type TorchvisionFCN,
  torchvisionFcnFromState,
  type WeightFormat,
} from '@fcn/models';
import { type ModelCard, type ModelConfigLike, modelCard, PTH, type PublishedInfo } from './model-card.js';
import type { WeightsOrigin } from './worker-protocol.js';
import { matchZoo } from './zoo-match.js';

/** The models the page runs: a d2l/native FCN, or a torchvision FCN. */
export type SegmentationModel = ReturnType<typeof fromWeights> | TorchvisionFCN;

export interface LoadedModel {
  model: SegmentationModel;
  card: ModelCard;
}

/** The note on the card of the model `pnpm train` makes. */
export const DEFAULT_MODEL_NOTE = 'knows the synthetic scenes of the default job (pnpm train), not photos';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** A PyTorch `.pth` file (a zip archive since PyTorch 1.6). */
export const isZip = (bytes: Uint8Array) => ZIP_MAGIC.every((b, i) => bytes[i] === b);

/** The layout of fcn.ts's and d2l's files, for the card; undefined when the keys say nothing clear. */
function d2lLayout(file: Safetensors, bytes: Uint8Array): string | undefined {
  let format: WeightFormat | undefined;
  try {
    format = detectFormat(file);
  } catch {
    return undefined; // fromWeights says what is wrong
  }
  if (format === 'torchvision')
    throw new Error('it holds only a ResNet trunk (torchvision layout), not an FCN');
  if (isZip(bytes)) return PTH;
  return format === 'native' ? 'fcn.ts' : 'd2l PyTorch';
}

/** The model in the bytes, and how the card names its layout. */
function buildModel(bytes: Uint8Array): { model: SegmentationModel; layout: string | undefined } {
  const file = readWeightFile(bytes);
  if (looksLikeTorchvisionFcn(new Set(file.tensors.keys()))) {
    return { model: torchvisionFcnFromState(file.tensors), layout: isZip(bytes) ? PTH : 'safetensors' };
  }
  const layout = d2lLayout(file, bytes);
  return { model: fromWeights(bytes), layout };
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
  const zoo = origin.kind === 'default' ? null : await matchZoo(bytes, origin.name, isZip(bytes));
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
  let built: { model: SegmentationModel; layout: string | undefined };
  try {
    built = buildModel(bytes);
  } catch (error) {
    throw new Error(`${origin.name} is not a model this page can run: ${(error as Error).message}`);
  }
  const { model, layout } = built;
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
