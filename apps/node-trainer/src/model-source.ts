/**
 * Which model a command runs: `--weights FILE` (any weight file fcn.ts reads) or `--model NAME` (a
 * segmentation model of the zoo, e.g. fcn_resnet50, downloaded into the cache on first use). One of the
 * two, never both; and the window whole images are tiled into when `--window` is not given.
 */
import { FCN, type SegmentationModel } from '@fcn/models';
import { CATALOGUE, type Catalogue } from './catalogue.js';
import { resolveSource } from './resolve-source.js';
import { userPath } from './user-path.js';

export interface ModelFlags {
  weights?: string;
  model?: string;
}

/** The weight file's path as the user gave it (`--weights`), or undefined for a zoo `--model`. */
export function givenWeightsPath(flags: ModelFlags): string | undefined {
  if (flags.weights !== undefined && flags.model !== undefined) {
    throw new Error('--weights and --model name the model twice; give one of them');
  }
  if (flags.weights === undefined && flags.model === undefined) {
    throw new Error(
      'which model? give --weights FILE (model.safetensors, a .pth, ...) or --model NAME (e.g. fcn_resnet50; fcn models lists them)',
    );
  }
  return flags.weights === undefined ? undefined : userPath(flags.weights);
}

/** The weight file to load: the `--weights` path, or the zoo model's file (downloaded on first use). */
export async function modelPath(flags: ModelFlags, catalogue: Catalogue = CATALOGUE): Promise<string> {
  const given = givenWeightsPath(flags);
  if (given !== undefined) return given;
  return resolveSource(flags.model!, {
    flag: '--model',
    kinds: ['segmentation'],
    catalogue,
  });
}

/**
 * The default window for whole images: the chapter's 320x480 crop for its FCN (windows are multiples
 * of 32), and for torchvision's FCN, which takes any size, the image itself up to 1024x1024 (so the
 * mask is the one PyTorch's `model(x)['out']` gives), tiled beyond that.
 */
export function defaultWindow(model: SegmentationModel): [number, number] {
  return model instanceof FCN ? [320, 480] : [1024, 1024];
}
