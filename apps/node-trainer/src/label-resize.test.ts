import { describe, expect, it } from 'vitest';
import { resizeLabels, shorterSideSize } from './label-resize.js';

describe('resizeLabels', () => {
  it('maps pixel centres to the nearest source pixel, up and down', () => {
    const labels = { width: 2, height: 2, data: Uint8Array.from([1, 2, 3, 4]) };
    expect(Array.from(resizeLabels(labels, 4, 4).data)).toEqual([
      1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4,
    ]);
    const big = resizeLabels(labels, 4, 4);
    expect(Array.from(resizeLabels(big, 2, 2).data)).toEqual([1, 2, 3, 4]);
    expect(resizeLabels(labels, 3, 1)).toEqual({ width: 3, height: 1, data: Uint8Array.from([3, 4, 4]) });
  });
});

describe('shorterSideSize', () => {
  it("puts the shorter side at the given length as torchvision's Resize(int) does", () => {
    expect(shorterSideSize(500, 375, 520)).toEqual({ width: 693, height: 520 });
    expect(shorterSideSize(300, 451, 520)).toEqual({ width: 520, height: 781 });
    expect(shorterSideSize(512, 512, 520)).toEqual({ width: 520, height: 520 });
  });
});
