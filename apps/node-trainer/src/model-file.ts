/** Reading and writing weight files for the commands, with errors that name the file and the fix. */
import { readFile } from 'node:fs/promises';
import { detectFormat, type FCN, fromWeights, readSafetensors } from '@fcn/models';

/** The bytes of a file the user named, or an error naming it. */
export async function readUserFile(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${what} ${path} does not exist`);
    if (code === 'EISDIR') throw new Error(`${what} ${path} is a folder, not a file`);
    throw new Error(`cannot read ${what} ${path}: ${(error as Error).message}`);
  }
}

/**
 * A whole FCN from a weight file: our checkpoint (`model.safetensors`, `checkpoint.safetensors`) or a
 * d2l PyTorch FCN state dict in safetensors.
 */
export async function loadModelFile(path: string): Promise<FCN> {
  const bytes = await readUserFile(path, 'weights file');
  try {
    if (detectFormat(readSafetensors(bytes)) === 'torchvision') {
      throw new Error(
        'it holds only a torchvision ResNet trunk, not an FCN: use it to start training (fcn train --pretrained FILE)',
      );
    }
    return fromWeights(bytes);
  } catch (error) {
    throw new Error(`weights file ${path}: ${(error as Error).message}`);
  }
}
