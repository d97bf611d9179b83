/**
 * The chapter's `voc_rand_crop`: one random rectangle, applied to the image and its label alike.
 * Pure crop math shared by Node and the browser.
 */

import type { Size } from './image.js';
import type { Rng } from './random.js';
import { randomInt } from './random.js';

export interface CropRect {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

/** The chapter's `filter`: whether an image of `height` x `width` can give a `crop`-sized crop. */
export function fitsCrop(height: number, width: number, crop: Size): boolean {
  return height >= crop[0] && width >= crop[1];
}

/**
 * A uniformly random `crop` rectangle inside `height` x `width` (offsets in 0..H-h and 0..W-w, both
 * ends included, as MXNet's `image.random_crop`).
 */
export function randomCropRect(height: number, width: number, crop: Size, rng: Rng): CropRect {
  if (!fitsCrop(height, width, crop)) {
    throw new RangeError(`cannot crop ${crop[0]}x${crop[1]} from a ${height}x${width} image`);
  }
  const top = randomInt(rng, 0, height - crop[0]);
  const left = randomInt(rng, 0, width - crop[1]);
  return { top, left, height: crop[0], width: crop[1] };
}

/** The centred `crop` rectangle (for evaluation without randomness). */
export function centerCropRect(height: number, width: number, crop: Size): CropRect {
  if (!fitsCrop(height, width, crop)) {
    throw new RangeError(`cannot crop ${crop[0]}x${crop[1]} from a ${height}x${width} image`);
  }
  return {
    top: Math.floor((height - crop[0]) / 2),
    left: Math.floor((width - crop[1]) / 2),
    height: crop[0],
    width: crop[1],
  };
}

/**
 * Copies `rect` out of an interleaved `srcWidth`-wide image with `channels` bytes per pixel, into `dst`
 * at `dstOffset` (a new array by default). Works for RGB images (3) and label maps (1) alike.
 */
export function cropPixels(
  src: Uint8Array,
  srcWidth: number,
  channels: number,
  rect: CropRect,
  dst: Uint8Array = new Uint8Array(rect.height * rect.width * channels),
  dstOffset = 0,
): Uint8Array {
  const srcHeight = src.length / (srcWidth * channels);
  if (
    rect.top < 0 ||
    rect.left < 0 ||
    rect.top + rect.height > srcHeight ||
    rect.left + rect.width > srcWidth
  ) {
    throw new RangeError(
      `crop ${rect.height}x${rect.width} at (${rect.top}, ${rect.left}) leaves the ${srcHeight}x${srcWidth} image`,
    );
  }
  const rowBytes = rect.width * channels;
  for (let y = 0; y < rect.height; y++) {
    const start = ((rect.top + y) * srcWidth + rect.left) * channels;
    dst.set(src.subarray(start, start + rowBytes), dstOffset + y * rowBytes);
  }
  return dst;
}
