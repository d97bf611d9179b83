/** Reading and writing weight files for the commands, with errors that name the file and the fix. */
import { readFile } from 'node:fs/promises';
import {
  describeNonFinite,
  detectFormat,
  findNonFinite,
  fromWeights,
  readWeightFile,
  type SegmentationModel,
} from '@fcn/models';
import { describeFsError } from './fs-errors.js';

/** The bytes of a file the user named, or an error naming it. */
export async function readUserFile(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${what} ${path} does not exist`);
    if (code === 'EISDIR') throw new Error(`${what} ${path} is a folder, not a file`);
    throw new Error(
      `cannot read ${what}: ${describeFsError(error, path) ?? `${path}: ${(error as Error).message}`}`,
    );
  }
}

export interface LoadModelOptions {
  /** `--allow-nonfinite`: load NaN or infinite weights, with a warning, instead of refusing them. */
  allowNonFinite?: boolean;
  /** Where the warning goes. */
  warn?: (line: string) => void;
}

/**
 * A whole model from a weight file, safetensors or PyTorch .pth: our checkpoint (`model.safetensors`,
 * `checkpoint.safetensors`), a d2l PyTorch FCN state dict, or a torchvision FCN state dict
 * (`fcn_resnet50_coco-1167a1af.pth` as torchvision publishes it). The file's checksum is verified and NaN or infinite
 * weights are refused (unless `allowNonFinite`) before a model is built.
 */

export async function loadModelFile(
  path: string,
  options: LoadModelOptions = {},
): Promise<SegmentationModel> {
  const bytes = await readUserFile(path, 'weights file');
  try {
    const file = readWeightFile(bytes);
    if (options.allowNonFinite) {
      const bad = findNonFinite(file.tensors);
      if (bad.length > 0) {
        options.warn?.(
          `warning: ${path} holds NaN or infinite weights in ${describeNonFinite(bad)}; its predictions are not to be trusted`,
        );
      }
    }
    if (detectFormat(file) === 'torchvision') {
      throw new Error(
        'it holds only a torchvision ResNet trunk, not an FCN: use it to start training (fcn train --pretrained FILE)',
      );
    }
    return fromWeights(bytes, { allowNonFinite: options.allowNonFinite ?? false });
  } catch (error) {
    throw new Error(`weights file ${path}: ${(error as Error).message}`);
  }
}
