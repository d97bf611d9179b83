/**
 * A picture's classes in one call, for either segmentation model, as both apps segment: the picture's
 * 8-bit RGB(A) bytes are normalised one window at a time (`rgbImageSource`) and tiled by
 * `predictClassMap`, so nothing of the picture's size is ever held in float.
 *
 * - The chapter's FCN (windows multiples of 32): windows of at most 320x480, its training crop.
 * - torchvision's FCN (any size; it upsamples its logits to the input's): the whole picture in one pass
 *   up to `WHOLE_IMAGE_MAX_PIXELS` (so the mask is PyTorch's `model(x)['out'].argmax(1)`), windows of at
 *   most `LARGE_IMAGE_WINDOW` beyond that.
 */
import type { LabelMap } from '@fcn/data/browser';
import { inputMultiple, type SegmentationModel } from '@fcn/models';
import { rgbImageSource } from './image-source.js';
import { predictClassMap } from './predict-whole.js';
import { planTiles } from './tiling.js';

/** The chapter's FCN: windows of at most its training crop, `[height, width]`. */
export const FCN_WINDOW: readonly [number, number] = [320, 480];

/** Largest picture a torchvision FCN segments in one pass (a megapixel); larger ones are tiled. */
export const WHOLE_IMAGE_MAX_PIXELS = 1024 * 1024;

/** Windows for a torchvision FCN on a picture over `WHOLE_IMAGE_MAX_PIXELS`. */
export const LARGE_IMAGE_WINDOW: readonly [number, number] = [1024, 1024];

/** Interleaved 8-bit RGB or RGBA pixels (an `RgbImage`, a canvas's `ImageData`). */
export interface Pixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array | Uint8ClampedArray;
  /** 3 (RGB) or 4 (RGBA, alpha dropped); default: from the data's length. */
  readonly channels?: 3 | 4;
}

export interface SegmentOptions {
  /** Largest window `[height, width]` (default `segmentWindow(model, height, width)`). */
  window?: readonly [number, number];
  /** Least overlap of neighbouring windows, in pixels (default 64). */
  minOverlap?: number;
  /** Windows run through the model at once (default 1). */
  windowsPerBatch?: number;
  /** Called, and awaited, after each batch of windows with the windows done and the total. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

/** The classes of every pixel, one byte each, row-major: a label map the picture's size. */
export interface Segmentation extends LabelMap {
  /** Windows the picture was cut into (1: the whole picture in one pass). */
  readonly windows: number;
}

/** The window `segment` uses by default for a picture of this size with this model. */
export function segmentWindow(model: SegmentationModel, height: number, width: number): [number, number] {
  if (inputMultiple(model) !== 1) return [...FCN_WINDOW];
  if (height * width <= WHOLE_IMAGE_MAX_PIXELS) return [height, width];
  return [...LARGE_IMAGE_WINDOW];
}

/**
 * The class of every pixel of a picture of any size. The model runs in eval mode (its modes are
 * restored after); models of more than 256 classes are refused (use `predictWholeImage`).
 */
export async function segment(
  model: SegmentationModel,
  image: Pixels,
  options: SegmentOptions = {},
): Promise<Segmentation> {
  const { width, height } = image;
  if (model.numClasses > 256) {
    throw new Error(
      `segment gives classes as bytes, at most 256; the model has ${model.numClasses} (use predictWholeImage)`,
    );
  }
  const window = options.window ?? segmentWindow(model, height, width);
  const tiling = { window, windowMultiple: inputMultiple(model), minOverlap: options.minOverlap ?? 64 };
  const plan = planTiles(height, width, tiling);
  const channels = image.channels ?? (image.data.length === width * height * 4 ? 4 : 3);
  const data = await predictClassMap(model, rgbImageSource({ width, height, data: image.data, channels }), {
    ...tiling,
    windowsPerBatch: options.windowsPerBatch,
    onProgress: options.onProgress,
  });
  return { width, height, data, windows: plan.tops.length * plan.lefts.length };
}
