import { describe, expect, it } from 'vitest';
import { planTiles, windowStarts } from './tiling.js';

describe('planTiles', () => {
  it('spreads windows from edge to edge with at least the asked overlap', () => {
    expect(windowStarts(100, 64, 16)).toEqual([0, 36]);
    expect(windowStarts(64, 64, 16)).toEqual([0]);
    expect(windowStarts(1000, 320, 64)).toEqual([0, 227, 453, 680]);
    // The overlap is capped at half a window.
    expect(windowStarts(70, 64, 64)).toEqual([0, 6]);
  });

  it('tiles inside the image, padding only a side under 32', () => {
    expect(planTiles(70, 100)).toEqual({
      paddedHeight: 70,
      paddedWidth: 100,
      windowHeight: 64,
      windowWidth: 96,
      tops: [0, 6],
      lefts: [0, 4],
    });
    const thin = planTiles(20, 50, { minOverlap: 16 });
    expect([thin.paddedHeight, thin.windowHeight, thin.tops]).toEqual([32, 32, [0]]);
    expect([thin.paddedWidth, thin.windowWidth, thin.lefts]).toEqual([50, 32, [0, 9, 18]]);
    // 'pad': up to multiples of 32 first, then one window if it fits.
    expect(planTiles(70, 100, { fit: 'pad' })).toMatchObject({
      paddedHeight: 96,
      paddedWidth: 128,
      tops: [0],
      lefts: [0],
    });
  });

  it('covers every pixel of any size with windows that are multiples of 32', () => {
    for (const [h, w] of [
      [33, 33],
      [500, 375],
      [1234, 77],
      [31, 1000],
    ] as const) {
      const plan = planTiles(h, w, { window: [320, 480], minOverlap: 64 });
      expect(plan.windowHeight % 32).toBe(0);
      expect(plan.windowWidth % 32).toBe(0);
      for (const [starts, win, padded, side] of [
        [plan.tops, plan.windowHeight, plan.paddedHeight, h],
        [plan.lefts, plan.windowWidth, plan.paddedWidth, w],
      ] as const) {
        expect(padded).toBeGreaterThanOrEqual(side);
        expect(starts[0]).toBe(0);
        expect(starts.at(-1)! + win).toBe(padded);
        for (let i = 1; i < starts.length; i++) {
          expect(starts[i - 1]! + win - starts[i]!).toBeGreaterThanOrEqual(Math.min(64, win / 2));
        }
      }
    }
    expect(() => planTiles(10, 10, { window: [16, 480] })).toThrow(/at least 32/);
  });

  it('with windowMultiple 1 (a model that takes any size) the window is the image itself when it fits', () => {
    expect(planTiles(67, 91, { window: [1024, 1024], windowMultiple: 1 })).toEqual({
      paddedHeight: 67,
      paddedWidth: 91,
      windowHeight: 67,
      windowWidth: 91,
      tops: [0],
      lefts: [0],
    });
    const plan = planTiles(67, 91, { window: [40, 50], windowMultiple: 1, minOverlap: 8 });
    expect([plan.windowHeight, plan.windowWidth]).toEqual([40, 50]);
    expect(plan.tops.at(-1)! + 40).toBe(67);
    expect(plan.lefts.at(-1)! + 50).toBe(91);
    expect(() => planTiles(10, 10, { windowMultiple: 0 })).toThrow(
      /windowMultiple must be a positive integer/,
    );
  });
});
