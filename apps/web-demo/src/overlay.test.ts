import { beforeAll, describe, expect, it, vi } from 'vitest';
import { overlayImageData } from './overlay.js';

/** Node has no ImageData; a minimal one with the browser's constructor. */
beforeAll(() => {
  vi.stubGlobal(
    'ImageData',
    class {
      constructor(
        readonly data: Uint8ClampedArray,
        readonly width: number,
        readonly height: number,
      ) {}
    },
  );
});

describe('overlayImageData', () => {
  it('colours objects in VOC colours and leaves the background transparent', () => {
    const image = overlayImageData([0, 15, 1, 0], 2, 2);
    expect([image.width, image.height]).toEqual([2, 2]);
    expect(Array.from(image.data.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(image.data.subarray(4, 8))).toEqual([192, 128, 128, 255]);
    expect(Array.from(image.data.subarray(8, 12))).toEqual([128, 0, 0, 255]);
    expect(image.data[15]).toBe(0);
  });
});
