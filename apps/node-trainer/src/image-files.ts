/** Images in and out of the commands: any photo sharp reads; label masks as VOC palette PNGs. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { decodeJpeg, encodeLabelPng, type LabelMap, labelToImage, type RgbImage } from '@fcn/data';
import sharp from 'sharp';
import { readUserFile } from './model-file.js';

/** A JPEG, PNG, WebP, ... as RGB bytes (the stored pixel grid, as VOC's labels are drawn on it). */
export async function readImageFile(path: string): Promise<RgbImage> {
  const bytes = await readUserFile(path, 'image');
  try {
    return await decodeJpeg(bytes);
  } catch (error) {
    throw new Error(`image ${path} cannot be decoded: ${(error as Error).message}`);
  }
}

/** Writes `bytes` to `path`, creating its folder. */
export async function writeOutputFile(path: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
}

/** Class indices as an 8-bit palette PNG in VOC colours (VOC's own `SegmentationClass` format). */
export async function writeLabelPng(path: string, labels: LabelMap): Promise<void> {
  await writeOutputFile(path, encodeLabelPng(labels));
}

/** RGB bytes as a PNG. */
export async function writeRgbPng(path: string, image: RgbImage): Promise<void> {
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png()
    .toBuffer();
  await writeOutputFile(path, png);
}

/**
 * The class colours laid over the photo with opacity `alpha`; background pixels (class 0) keep the
 * photo as it is, so the objects stand out.
 */
export function overlayLabels(image: RgbImage, labels: LabelMap, alpha = 0.5): RgbImage {
  if (image.width !== labels.width || image.height !== labels.height) {
    throw new RangeError(
      `overlay: the image is ${image.width}x${image.height}, the labels ${labels.width}x${labels.height}`,
    );
  }
  const colours = labelToImage(labels.data);
  const data = new Uint8Array(image.data);
  for (let i = 0; i < labels.data.length; i++) {
    if (labels.data[i] === 0) continue;
    for (let c = 0; c < 3; c++) {
      const p = i * 3 + c;
      data[p] = Math.round((1 - alpha) * image.data[p]! + alpha * colours[p]!);
    }
  }
  return { width: image.width, height: image.height, data };
}
