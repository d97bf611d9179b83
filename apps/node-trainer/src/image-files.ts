/** Images in and out of the commands: any photo sharp reads; label masks as VOC palette PNGs. */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { decodeJpeg, encodeLabelPng, type LabelMap, type RgbImage, VOC_PALETTE } from '@fcn/data';
import { writeFileAtomic } from '@fcn/train';
import sharp from 'sharp';
import { readUserFile } from './model-file.js';
import { tagPng } from './png-tag.js';

/** A JPEG, PNG, WebP, ... as RGB bytes (the stored pixel grid, as VOC's labels are drawn on it). */
export async function readImageFile(path: string): Promise<RgbImage> {
  return decodeImageBytes(path, await readUserFile(path, 'image'));
}

export async function decodeImageBytes(path: string, bytes: Uint8Array): Promise<RgbImage> {
  try {
    return await decodeJpeg(bytes);
  } catch (error) {
    throw new Error(`image ${path} cannot be decoded: ${(error as Error).message}`);
  }
}

/** An image's size from its header, without decoding its pixels. */
export async function imageFileSize(
  path: string,
  bytes: Uint8Array,
): Promise<{ width: number; height: number }> {
  try {
    const { width, height } = await sharp(bytes).metadata();
    if (!width || !height) throw new Error('no width and height in its header');
    return { width, height };
  } catch (error) {
    throw new Error(`image ${path} cannot be decoded: ${(error as Error).message}`);
  }
}

/** Writes `bytes` to `path` all at once (a kill leaves the old file or the new one), creating its folder. */
export async function writeOutputFile(path: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, bytes);
}

/** Class indices as an 8-bit palette PNG in VOC colours (VOC's own `SegmentationClass` format). */
export async function writeLabelPng(path: string, labels: LabelMap): Promise<void> {
  await writeOutputFile(path, tagPng(encodeLabelPng(labels)));
}

/** RGB bytes as a PNG. */
export async function writeRgbPng(path: string, image: RgbImage): Promise<void> {
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png()
    .toBuffer();
  await writeOutputFile(path, tagPng(new Uint8Array(png.buffer, png.byteOffset, png.length)));
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
  const data = new Uint8Array(image.data);
  blendLabels(data, labels.data, alpha);
  return { width: image.width, height: image.height, data };
}

/**
 * `overlayLabels` in place: blends the class colours into `rgb` itself (no image-sized copies, for
 * large photos whose pixels are not needed afterwards).
 */
export function blendLabels(rgb: Uint8Array, labels: Uint8Array, alpha: number): void {
  if (rgb.length !== labels.length * 3) {
    throw new RangeError(`overlay: ${rgb.length / 3} pixels in the image, ${labels.length} labels`);
  }
  const palette = VOC_PALETTE;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label === 0) continue;
    for (let c = 0; c < 3; c++) {
      const p = i * 3 + c;
      rgb[p] = Math.round((1 - alpha) * rgb[p]! + alpha * palette[label * 3 + c]!);
    }
  }
}
