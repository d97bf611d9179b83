/** The class of every pixel of a whole image, as the commands predict it (tiled by `predictWholeImage`). */
import { type LabelMap, normalizeImage, type RgbImage } from '@fcn/data';
import type { FCN } from '@fcn/models';
import { predictWholeImage } from '@fcn/train';
import * as tf from '@tensorflow/tfjs-core';

export async function predictLabels(
  model: FCN,
  image: RgbImage,
  window?: readonly [number, number],
  onProgress?: (done: number, total: number) => void,
): Promise<LabelMap> {
  const x = tf.tensor3d(normalizeImage(image.data), [image.height, image.width, 3]);
  try {
    const predicted = await predictWholeImage(model, x, {
      ...(window ? { window } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
    const data = Uint8Array.from(await predicted.data());
    predicted.dispose();
    return { width: image.width, height: image.height, data };
  } finally {
    x.dispose();
  }
}
