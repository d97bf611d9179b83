/**
 * How large an image `fcn predict` takes: checked from the image's header, before it is decoded, so a
 * small file of a huge image (a 3 MB PNG of 16000x16000) is refused in a moment, with what it would
 * cost, instead of running for minutes at gigabytes.
 */
import { planTiles, wholeImageWorkBytes } from '@fcn/train';

/** 100 million pixels (10000x10000): about 0.5 GB for the photo and its classes. */
export const DEFAULT_MAX_PIXELS = 100_000_000;

/** A band of logits larger than this is refused whatever the pixel count (a very wide, flat image). */
export const MAX_BAND_BYTES = 4 * 2 ** 30;

export interface PixelBudget {
  width: number;
  height: number;
  maxPixels: number;
  window: readonly [number, number];
  /** With an overlay, the blended copy is encoded too. */
  overlay: boolean;
}

/** Bytes whole-image prediction holds for an image: its RGB bytes, one byte a pixel of classes, the band. */
export function predictionBytes(budget: PixelBudget, numClasses = 21): number {
  const pixels = budget.width * budget.height;
  const perPixel = 3 + 1 + (budget.overlay ? 3 : 0);
  return (
    pixels * perPixel +
    wholeImageWorkBytes(budget.height, budget.width, numClasses, { window: budget.window })
  );
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

/** Throws one line (size, cost, the flag that allows it) when the image is over the budget. */
export function checkPixelBudget(path: string, budget: PixelBudget, numClasses = 21): void {
  const { width, height, maxPixels } = budget;
  const pixels = width * height;
  const plan = planTiles(height, width, { window: budget.window });
  const windows = plan.tops.length * plan.lefts.length;
  const cost = `about ${gb(predictionBytes(budget, numClasses))} of memory and ${windows.toLocaleString('en-US')} windows`;
  if (pixels > maxPixels) {
    throw new Error(
      `image ${path} is ${width}x${height} (${(pixels / 1e6).toFixed(1)} million pixels), more than --max-pixels ${maxPixels}; ` +
        `predicting it takes ${cost}: pass --max-pixels ${pixels} to go ahead, or scale the image down`,
    );
  }
  const band = wholeImageWorkBytes(height, width, numClasses, { window: budget.window });
  if (band > MAX_BAND_BYTES) {
    throw new Error(
      `image ${path} is ${width}x${height}: a band of logits as wide as the image needs ${gb(band)}, more than ` +
        `${gb(MAX_BAND_BYTES)}; cut the image into narrower parts`,
    );
  }
}
