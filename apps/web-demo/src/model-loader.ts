/**
 * Where the page's model comes from: the checkpoint `pnpm train` wrote (copied in at build time as
 * `model.safetensors`), a `.safetensors` file the user picks (our checkpoint or a d2l PyTorch FCN state
 * dict), or, with neither, an untrained FCN that the page labels as such.
 */
import { detectFormat, type FCN, fcn, fromWeights, readSafetensors } from '@fcn/models';

export type ModelSource = 'default' | 'file' | 'untrained';

export interface LoadedModel {
  model: FCN;
  source: ModelSource;
  /** One line for the page: what runs. */
  description: string;
}

/** The model file's URL in the built site. */
export const DEFAULT_MODEL_URL = 'model.safetensors';

/** A model from weight-file bytes; errors say what the file is and what the page needs. */
export function modelFromBytes(bytes: Uint8Array, name: string, source: ModelSource): LoadedModel {
  let model: FCN;
  try {
    if (detectFormat(readSafetensors(bytes)) === 'torchvision') {
      throw new Error('it holds only a ResNet trunk (torchvision layout), not an FCN');
    }
    model = fromWeights(bytes);
  } catch (error) {
    throw new Error(`${name} is not a model this page can run: ${(error as Error).message}`);
  }
  const { trunk, variant, numClasses } = model.config;
  return {
    model,
    source,
    description: `${name}: FCN-${variant}, ResNet trunk of width ${trunk.width}, ${numClasses} classes`,
  };
}

/** The build's default model, or null when the site has none (a 404, or an HTML fallback page). */
export async function fetchDefaultModel(
  baseUrl: string,
  fetchImpl: typeof fetch = fetch,
): Promise<LoadedModel | null> {
  const response = await fetchImpl(`${baseUrl}${DEFAULT_MODEL_URL}`);
  if (!response.ok) return null;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('text/html')) return null;
  const bytes = new Uint8Array(await response.arrayBuffer());
  return modelFromBytes(bytes, 'the checkpoint from pnpm train', 'default');
}

/** An FCN with random weights (bilinear upsampler), so the page works before any training. */
export function untrainedModel(): LoadedModel {
  return {
    model: fcn({ numClasses: 21, trunk: { arch: 'resnet18', width: 16 }, seed: 0 }),
    source: 'untrained',
    description:
      'untrained model (random weights): its masks mean nothing. Run pnpm train and rebuild, or choose a .safetensors file',
  };
}
