import { describe, expect, it } from 'vitest';
import { fitWithin, MAX_PIXELS } from './image-input.js';

describe('fitWithin', () => {
  it('keeps an image within the budget at its own size', () => {
    expect(fitWithin(500, 375)).toEqual({ width: 500, height: 375, scale: 1 });
    expect(fitWithin(2048, 2048)).toEqual({ width: 2048, height: 2048, scale: 1 });
  });

  it('scales a huge image down to the pixel budget, keeping its aspect', () => {
    const fitted = fitWithin(8000, 8000);
    expect(fitted.width).toBe(2048);
    expect(fitted.height).toBe(2048);
    const wide = fitWithin(12000, 3000);
    expect(wide.width * wide.height).toBeLessThanOrEqual(MAX_PIXELS);
    expect(wide.width / wide.height).toBeCloseTo(4, 2);
  });

  it('refuses an empty image', () => {
    expect(() => fitWithin(0, 10)).toThrow(/image size 0x10 is empty/);
  });
});
