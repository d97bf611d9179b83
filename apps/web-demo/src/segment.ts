/**
 * Segmentation of a whole image of any size in the page: normalised exactly as in training, tiled by
 * `predictWholeImage`, and yielding to the browser after every window so the page keeps responding
 * and can show progress.
 */
import { imageToTensor } from '@fcn/data/browser';
import type { FCN } from '@fcn/models';
import { predictWholeImage } from '@fcn/train/browser';

export interface Segmentation {
  /** Class index per pixel, row-major, the image's size. */
  labels: Uint8Array;
  width: number;
  height: number;
  /** Wall time of the prediction, in milliseconds. */
  ms: number;
}

const nextFrame = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function segmentImage(
  model: FCN,
  image: ImageData,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<Segmentation> {
  const start = performance.now();
  const x = imageToTensor(image);
  try {
    const predicted = await predictWholeImage(model, x, {
      onProgress: async (done, total) => {
        onProgress(done, total);
        await nextFrame();
      },
    });
    const labels = Uint8Array.from(await predicted.data());
    predicted.dispose();
    return { labels, width: image.width, height: image.height, ms: performance.now() - start };
  } finally {
    x.dispose();
  }
}
