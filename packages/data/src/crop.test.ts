import { describe, expect, it } from 'vitest';
import { centerCropRect, cropPixels, fitsCrop, randomCropRect } from './crop.js';
import { mulberry32 } from './random.js';

describe('crops', () => {
  it("applies the chapter's filter: both sides at least the crop's", () => {
    expect(fitsCrop(320, 480, [320, 480])).toBe(true);
    expect(fitsCrop(500, 375, [320, 480])).toBe(false);
    expect(fitsCrop(319, 500, [320, 480])).toBe(false);
  });

  it('places random crops anywhere inside, edges included', () => {
    const rng = mulberry32(1);
    const tops = new Set<number>();
    const lefts = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const r = randomCropRect(10, 12, [8, 9], rng);
      expect([r.height, r.width]).toEqual([8, 9]);
      tops.add(r.top);
      lefts.add(r.left);
    }
    expect([...tops].sort()).toEqual([0, 1, 2]);
    expect([...lefts].sort()).toEqual([0, 1, 2, 3]);
    expect(() => randomCropRect(7, 12, [8, 9], rng)).toThrow(/cannot crop 8x9 from a 7x12 image/);
  });

  it('centres the fixed crop', () => {
    expect(centerCropRect(10, 13, [4, 4])).toEqual({ top: 3, left: 4, height: 4, width: 4 });
  });

  it('copies the rectangle out of interleaved pixels', () => {
    // A 3x4 RGB image whose bytes encode (y, x, channel).
    const src = Uint8Array.from({ length: 3 * 4 * 3 }, (_, i) => {
      const c = i % 3;
      const x = Math.floor(i / 3) % 4;
      const y = Math.floor(i / 12);
      return y * 100 + x * 10 + c;
    });
    const out = cropPixels(src, 4, 3, { top: 1, left: 2, height: 2, width: 2 });
    expect([...out]).toEqual([120, 121, 122, 130, 131, 132, 220, 221, 222, 230, 231, 232]);
    const plane = cropPixels(
      Uint8Array.from({ length: 12 }, (_, i) => i),
      4,
      1,
      { top: 2, left: 1, height: 1, width: 3 },
    );
    expect([...plane]).toEqual([9, 10, 11]);
    expect(() => cropPixels(src, 4, 3, { top: 2, left: 0, height: 2, width: 2 })).toThrow(RangeError);
  });
});
