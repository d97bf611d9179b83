// Bundled for the browser by Vite in run.mjs's step 4 (a web page's use of the published packages), never
// run: what matters is what the bundle holds (no Node built-in or sharp from @fcn/*, one tfjs-core engine).
// The root entries of @fcn/train and @fcn/data resolve to their browser entries there (`browser` condition).
import { initBrowserBackend } from '@fcn/backends/browser';
import { VOC_CLASSES } from '@fcn/data';
import { imageToTensor, labelsToImageData } from '@fcn/data/browser';
import { Conv2d } from '@fcn/layers';
import { fcn, fromWeights } from '@fcn/models';
import { segmentationMetrics } from '@fcn/train';
import { evaluateWholeImages, segment } from '@fcn/train/browser';
import * as tf from '@tensorflow/tfjs-core';

export async function segmentPicture(pixels) {
  await initBrowserBackend({ backend: 'auto' });
  const model = fcn({ trunk: { arch: 'resnet18', width: 4 }, numClasses: 3, seed: 0 });
  const labels = await segment(model, pixels);
  return {
    labels: labelsToImageData(labels.data, labels.width, labels.height),
    more: { tf, imageToTensor, Conv2d, fromWeights, evaluateWholeImages, segmentationMetrics, VOC_CLASSES },
  };
}
