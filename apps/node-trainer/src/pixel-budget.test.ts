import { describe, expect, it } from 'vitest';
import { checkPixelBudget, DEFAULT_MAX_PIXELS, predictionBytes } from './pixel-budget.js';

const budget = (width: number, height: number, maxPixels = DEFAULT_MAX_PIXELS) => ({
  width,
  height,
  maxPixels,
  window: [320, 480] as const,
  overlay: false,
});

describe('the pixel budget of fcn predict', () => {
  it('refuses a 16000x16000 image at once, saying what it would cost and how to allow it', () => {
    expect(() => checkPixelBudget('big.png', budget(16000, 16000))).toThrow(
      /^image big\.png is 16000x16000 \(256\.0 million pixels\), more than --max-pixels 100000000; predicting it takes about 1\.\d GB of memory and [\d,]+ windows: pass --max-pixels 256000000 to go ahead/,
    );
    expect(() => checkPixelBudget('big.png', budget(16000, 16000, 256_000_000))).not.toThrow();
  });

  it('grows about 4 bytes a pixel (photo and classes) plus a band that grows with the width only', () => {
    const small = predictionBytes(budget(8000, 2000));
    const tall = predictionBytes(budget(8000, 8000));
    expect((tall - small) / (8000 * 6000)).toBeCloseTo(4, 5);
    expect(predictionBytes({ ...budget(8000, 8000), overlay: true }) - tall).toBe(3 * 8000 * 8000);
  });

  it('refuses an image so wide that its band alone would not fit', () => {
    expect(() => checkPixelBudget('strip.png', budget(400_000, 240, 1e9))).toThrow(
      /^image strip\.png is 400000x240: a band of logits as wide as the image needs \d+\.\d GB, more than 4\.3 GB; cut the image/,
    );
  });
});
