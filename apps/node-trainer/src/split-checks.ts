/** Checks on a VOC split and its crop, shared by `fcn train` and `fcn eval`, with one-line messages. */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Size } from '@fcn/data';

/** The FCN's output stride: crops (and windows) are multiples of it. */
export const CROP_MULTIPLE = 32;

export function checkCropMultiple(crop: Size, flag = '--crop'): void {
  if (crop.some((side) => side % CROP_MULTIPLE !== 0)) {
    const round = crop.map((side) =>
      Math.max(CROP_MULTIPLE, Math.round(side / CROP_MULTIPLE) * CROP_MULTIPLE),
    );
    throw new Error(
      `${flag} ${crop.join('x')}: both sides must be multiples of ${CROP_MULTIPLE} (the FCN's stride), e.g. ${round.join('x')}`,
    );
  }
}

/** Why a split read no examples: an empty list, or every image smaller than the crop. */
export function emptySplitMessage(
  root: string,
  split: string,
  data: { filtered: number },
  crop?: Size,
): string {
  if (data.filtered === 0) {
    const list = join(root, 'ImageSets', 'Segmentation', `${split}.txt`);
    return `${list} lists no images; add image ids to it (one a line), or use another VOC folder`;
  }
  return (
    `every ${split === 'train' ? 'training' : split} image in ${root} is smaller than the crop ${crop ? crop.join('x') : ''} ` +
    `(${data.filtered} left out); pass a smaller --crop`
  );
}

/** A `--data` folder that exists and is a folder; `hint` follows a missing one's message. */
export function checkDataFolder(root: string, hint = ''): void {
  const info = statSync(root, { throwIfNoEntry: false });
  if (!info) throw new Error(`data folder ${root} does not exist${hint}`);
  if (!info.isDirectory()) {
    throw new Error(
      `--data ${root} is a file, not a folder; pass the VOC2012 folder (the one holding ImageSets, JPEGImages and SegmentationClass)`,
    );
  }
}
