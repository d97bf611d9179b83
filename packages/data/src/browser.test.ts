import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { normalizePixelsTensor } from './browser/image-to-tensor.js';
import {
  IGNORE_LABEL,
  imageToTensor,
  labelsToImageData,
  labelTensorToImageData,
  VOC_COLORMAP,
  VOID_COLOR,
} from './browser.js';
import { NORMALIZE_TABLE } from './normalize.js';

/** Enough of the DOM's ImageData for these tests (Node has none). */
class FakeImageData {
  constructor(
    readonly data: Uint8ClampedArray,
    readonly width: number,
    readonly height: number,
  ) {}
}

afterEach(() => {
  vi.unstubAllGlobals();
});

const rgba = Uint8ClampedArray.from({ length: 2 * 3 * 4 }, (_, i) => (i * 37) % 256);

describe('@fcn/data/browser', () => {
  it('turns ImageData into the normalised [1, H, W, 3] tensor, with the training table', () => {
    const x = imageToTensor({ width: 3, height: 2, data: rgba });
    expect(x.shape).toEqual([1, 2, 3, 3]);
    const expected = Array.from({ length: 18 }, (_, i) => {
      const c = i % 3;
      return NORMALIZE_TABLE[c * 256 + rgba[Math.floor(i / 3) * 4 + c]!]!;
    });
    expect([...x.dataSync()]).toEqual(expected);
    x.dispose();
  });

  it('normalises pixel tensors (the element and bitmap path) to the same values', () => {
    const pixels = tf.tensor3d(
      Int32Array.from({ length: 768 }, (_, i) => i % 256),
      [16, 16, 3],
      'int32',
    );
    const x = normalizePixelsTensor(pixels);
    const values = x.dataSync();
    for (let i = 0; i < 768; i++)
      expect(values[i]).toBeCloseTo(NORMALIZE_TABLE[(i % 3) * 256 + (i % 256)]!, 5);
    tf.dispose([pixels, x]);
  });

  it('resizes to the requested size and frees its intermediates', () => {
    const before = tf.memory().numTensors;
    const x = imageToTensor({ width: 3, height: 2, data: rgba }, { size: [4, 6] });
    expect(x.shape).toEqual([1, 4, 6, 3]);
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => imageToTensor({ width: 3, height: 2, data: new Uint8Array(7) })).toThrow(
      /neither RGB nor RGBA/,
    );
  });

  it('draws label maps as ImageData in VOC colours, void for the ignore label', async () => {
    vi.stubGlobal('ImageData', FakeImageData);
    const image = labelsToImageData([15, IGNORE_LABEL, 0, 1], 2, 2);
    expect([image.width, image.height]).toEqual([2, 2]);
    expect([...image.data]).toEqual([
      ...VOC_COLORMAP[15]!,
      255,
      ...VOID_COLOR,
      255,
      ...VOC_COLORMAP[0]!,
      255,
      ...VOC_COLORMAP[1]!,
      255,
    ]);
    const labels = tf.tensor3d([7, 7, 20, 0, 0, 3], [1, 2, 3], 'int32');
    const fromTensor = await labelTensorToImageData(labels);
    expect([fromTensor.width, fromTensor.height]).toEqual([3, 2]);
    expect([...fromTensor.data.subarray(8, 12)]).toEqual([...VOC_COLORMAP[20]!, 255]);
    labels.dispose();
    await expect(labelTensorToImageData(tf.zeros([2, 2, 2]))).rejects.toThrow(/expected \[H, W\]/);
    expect(() => labelsToImageData([0, 1, 2], 2, 2)).toThrow(/3 labels for 2x2/);
  });
});
