/**
 * Segmentation of a whole image of any size, in the worker: normalised exactly as in training, then
 * either one forward pass at the image's own size (torchvision FCNs, which upsample their logits to
 * the input size, on images up to `WHOLE_IMAGE_MAX_PIXELS`) or tiled by `predictWholeImage` (the d2l
 * FCN, windows of at most 320x480 as `fcn predict` does; torchvision FCNs on larger images, windows of
 * 1024x1024), reporting progress after every window.
 */
import { imageToTensor, type RawPixels } from '@fcn/data/browser';
import { predictWholeImage, type WholeImageOptions, withEvalMode } from '@fcn/train/browser';
import * as tf from '@tensorflow/tfjs-core';
import type { SegmentationModel } from './model-loader.js';
import type { SegmentResult } from './worker-protocol.js';

/** Largest image a torchvision FCN segments in one pass; larger ones are tiled. */
export const WHOLE_IMAGE_MAX_PIXELS = 1024 * 1024;

/** Windows for a torchvision FCN on an image over `WHOLE_IMAGE_MAX_PIXELS`. */
export const TORCHVISION_WINDOW: readonly [number, number] = [1024, 1024];

export type PredictionPlan = { kind: 'whole' } | { kind: 'tiles'; options: WholeImageOptions };

const isTorchvision = (model: SegmentationModel) =>
  (model.config as { kind?: string }).kind === 'torchvision-fcn';

/** How an image of this size is predicted with this model. */
export function predictionPlan(model: SegmentationModel, width: number, height: number): PredictionPlan {
  if (!isTorchvision(model)) return { kind: 'tiles', options: {} };
  if (width * height <= WHOLE_IMAGE_MAX_PIXELS) return { kind: 'whole' };
  return { kind: 'tiles', options: { window: TORCHVISION_WINDOW } };
}

export async function segmentImage(
  model: SegmentationModel,
  image: RawPixels,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<SegmentResult> {
  const { width, height } = image;
  if (model.numClasses > 256) {
    throw new Error(`the model has ${model.numClasses} classes; the page shows at most 256`);
  }
  const start = performance.now();
  const x = imageToTensor(image);
  try {
    const plan = predictionPlan(model, width, height);
    let windows = 1;
    let predicted: tf.Tensor;
    if (plan.kind === 'whole') {
      predicted = await withEvalMode(model, async () =>
        tf.tidy(() => tf.squeeze(tf.argMax(model.forward(x), -1), [0])),
      );
      onProgress(1, 1);
    } else {
      predicted = await predictWholeImage(model, x, {
        ...plan.options,
        onProgress: (done, total) => {
          windows = total;
          onProgress(done, total);
        },
      });
    }
    const labels = Uint8Array.from(await predicted.data());
    predicted.dispose();
    if (labels.length !== width * height) {
      throw new Error(`the model's mask has ${labels.length} pixels for a ${width}x${height} image`);
    }
    return { labels, width, height, ms: performance.now() - start, windows };
  } finally {
    x.dispose();
  }
}
