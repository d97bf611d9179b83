/**
 * Which model a command runs: `--weights FILE` (any weight file fcn.ts reads) or `--model NAME` (a
 * segmentation model of the zoo, e.g. fcn_resnet50, downloaded into the cache on first use). One of the
 * two, never both.
 */
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
