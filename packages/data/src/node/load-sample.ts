/** One VOC example from disk: its JPEG and its label PNG, decoded, checked against each other. */

import type { VoidMode } from '../colormap.js';
import { VocDataError } from '../errors.js';
import type { LabelMap, RgbImage } from '../image.js';
import { decodeLabelPng } from '../label-png.js';
import { decodeJpeg } from './decode-jpeg.js';
import { readDataFile, vocPaths } from './voc-layout.js';

export interface VocSample {
  readonly id: string;
  readonly image: RgbImage;
  readonly label: LabelMap;
}

/**
 * Reads `JPEGImages/<id>.jpg` and `SegmentationClass/<id>.png` under `root`. Every problem is a
 * `VocDataError` naming the file: missing, undecodable, out-of-range label indices, or a label whose
 * size differs from its image's.
 */
export async function loadVocSample(root: string, id: string, voidMode: VoidMode): Promise<VocSample> {
  const imagePath = vocPaths.image(root, id);
  const labelPath = vocPaths.label(root, id);
  const [imageBytes, labelBytes] = await Promise.all([readDataFile(imagePath), readDataFile(labelPath)]);
  let label: LabelMap;
  try {
    label = decodeLabelPng(labelBytes, voidMode);
  } catch (error) {
    throw new VocDataError(labelPath, (error as Error).message);
  }
  let image: RgbImage;
  try {
    image = await decodeJpeg(imageBytes);
  } catch (error) {
    throw new VocDataError(imagePath, `cannot decode the image (${(error as Error).message})`);
  }
  if (label.width !== image.width || label.height !== image.height) {
    throw new VocDataError(
      labelPath,
      `label is ${label.height}x${label.width} (HxW) but its image ${imagePath} is ${image.height}x${image.width}`,
    );
  }
  return { id, image, label };
}
