/**
 * Evaluation on whole images, not crops (the FCN paper's figures): each image segmented by `segment`
 * (windows for large ones), every labelled pixel counted into one confusion matrix. Pixel accuracy, mean
 * IoU and the rest follow from it with `segmentationMetrics`.
 */
import type { LabelMap, RgbImage } from '@fcn/data/browser';
import type { SegmentationModel } from '@fcn/models';
import { ConfusionMatrix } from './confusion.js';
import { type Pixels, type SegmentOptions, segment } from './segment.js';

/** Images with their label maps, read one at a time (a `VocDataset` is one). */
export interface LabelledImages {
  readonly length: number;
  sample(index: number): Promise<{ image: RgbImage | Pixels; label: LabelMap }>;
}

export interface EvaluateWholeImagesOptions extends Omit<SegmentOptions, 'onProgress'> {
  /** Labels not counted (default 255, VOC's void border). */
  ignoreLabel?: number;
  /** Called after each image with the images done and the total. */
  onImage?: (done: number, total: number) => void;
}

/** One confusion matrix over every image of `data`, each predicted at its own size. */
export async function evaluateWholeImages(
  model: SegmentationModel,
  data: LabelledImages,
  options: EvaluateWholeImagesOptions = {},
): Promise<ConfusionMatrix> {
  const { ignoreLabel, onImage, ...segmentOptions } = options;
  const confusion = new ConfusionMatrix(model.numClasses, ignoreLabel);
  for (let i = 0; i < data.length; i++) {
    const { image, label } = await data.sample(i);
    if (label.width !== image.width || label.height !== image.height) {
      throw new Error(
        `image ${i} is ${image.width}x${image.height} but its label map ${label.width}x${label.height}; they must match`,
      );
    }
    const predicted = await segment(model, image, segmentOptions);
    confusion.update(label.data, predicted.data);
    onImage?.(i + 1, data.length);
  }
  return confusion;
}
