/** A predicted label map to an `ImageData` in VOC colours (the chapter's `label2image`). No Node imports. */
import type * as tf from '@tensorflow/tfjs-core';
import { labelToImage } from '../colormap.js';

/** Makes the `ImageData` (a separate function so that environments without one can supply their own). */
function makeImageData(rgba: Uint8Array, width: number, height: number): ImageData {
  if (typeof ImageData === 'undefined') {
    throw new Error('labelsToImageData: this environment has no ImageData (use labelToImage for raw RGBA)');
  }
  return new ImageData(
    new Uint8ClampedArray(rgba.buffer as ArrayBuffer, rgba.byteOffset, rgba.length),
    width,
    height,
  );
}

/** Labels (0..20, or `IGNORE_LABEL` drawn as the void colour), row-major, to an opaque `ImageData`. */
export function labelsToImageData(labels: ArrayLike<number>, width: number, height: number): ImageData {
  if (labels.length !== width * height) {
    throw new RangeError(`labelsToImageData: ${labels.length} labels for ${width}x${height}`);
  }
  return makeImageData(labelToImage(labels, { channels: 4 }), width, height);
}

/**
 * A label tensor, `[H, W]` or `[1, H, W]` (say `argMax(logits, -1)`), to an `ImageData`. The tensor is
 * read, not disposed.
 */
export async function labelTensorToImageData(labels: tf.Tensor): Promise<ImageData> {
  const shape = labels.shape;
  const [height, width] =
    shape.length === 3 && shape[0] === 1 ? [shape[1]!, shape[2]!] : [shape[0]!, shape[1]!];
  if (!(shape.length === 2 || (shape.length === 3 && shape[0] === 1))) {
    throw new RangeError(`labelTensorToImageData: expected [H, W] or [1, H, W], got [${shape.join(', ')}]`);
  }
  return labelsToImageData(await labels.data(), width, height);
}
