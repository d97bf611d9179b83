/**
 * The class of every pixel of a whole image, as the commands predict it: tiled by the library's
 * whole-image prediction, the photo normalised one window at a time (`rgbImageSource`), so memory
 * holds the photo's bytes, one byte a pixel of classes and a band of logits, never a float image.
 */
import type { LabelMap, RgbImage } from '@fcn/data';
import { inputMultiple, type SegmentationModel } from '@fcn/models';
import { predictClassMap, rgbImageSource } from '@fcn/train';

export async function predictLabels(
  model: SegmentationModel,
  image: RgbImage,
  window?: readonly [number, number],
  onProgress?: (done: number, total: number) => void,
): Promise<LabelMap> {
  const data = await predictClassMap(model, rgbImageSource(image), {
    ...(window ? { window } : {}),
    windowMultiple: inputMultiple(model),
    ...(onProgress ? { onProgress } : {}),
  });
  return { width: image.width, height: image.height, data };
}
