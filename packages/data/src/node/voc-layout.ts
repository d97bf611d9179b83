/** Where things are in a VOC2012 folder (`VOCdevkit/VOC2012`), and reading a split's list of ids. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VocDataError } from '../errors.js';

/** A split name: `'train'`, `'val'`, `'trainval'` or any list under `ImageSets/Segmentation`. */
export type VocSplit = 'train' | 'val' | 'trainval' | (string & {});

export const vocPaths = {
  splitList: (root: string, split: VocSplit): string =>
    join(root, 'ImageSets', 'Segmentation', `${split}.txt`),
  image: (root: string, id: string): string => join(root, 'JPEGImages', `${id}.jpg`),
  label: (root: string, id: string): string => join(root, 'SegmentationClass', `${id}.png`),
};

/** Reads a file, turning a failure into a `VocDataError` that names it ("file not found", ...). */
export async function readDataFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a folder, not a file'
          : (error as Error).message;
    throw new VocDataError(path, problem);
  }
}

/** The ids listed in `ImageSets/Segmentation/<split>.txt`, one a line (blank lines ignored). */
export async function readSplitIds(root: string, split: VocSplit): Promise<string[]> {
  const path = vocPaths.splitList(root, split);
  const text = new TextDecoder().decode(await readDataFile(path));
  const ids = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  for (const id of ids) {
    if (/[\s/\\]/.test(id) || id === '.' || id === '..')
      throw new VocDataError(path, `invalid image id '${id}'`);
  }
  return ids;
}
