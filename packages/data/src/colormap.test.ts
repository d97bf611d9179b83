import { describe, expect, it } from 'vitest';
import {
  colormap2label,
  colormapToLabels,
  IGNORE_LABEL,
  labelToImage,
  NUM_VOC_CLASSES,
  VOC_CLASSES,
  VOC_COLORMAP,
  VOC_PALETTE,
  VOID_COLOR,
  VOID_INDEX,
} from './colormap.js';

describe('VOC classes and colours', () => {
  it('has the 21 classes and colours of the chapter', () => {
    expect(VOC_CLASSES).toHaveLength(NUM_VOC_CLASSES);
    expect(VOC_COLORMAP).toHaveLength(NUM_VOC_CLASSES);
    expect(VOC_CLASSES[15]).toBe('person');
    expect(VOC_COLORMAP[15]).toEqual([192, 128, 128]);
    expect(new Set(VOC_COLORMAP.map((c) => c.join())).size).toBe(NUM_VOC_CLASSES);
  });

  it("builds VOC's 256-entry palette: classes first, void (224, 224, 192) at 255", () => {
    for (let i = 0; i < NUM_VOC_CLASSES; i++)
      expect([...VOC_PALETTE.subarray(i * 3, i * 3 + 3)]).toEqual(VOC_COLORMAP[i]);
    expect([...VOC_PALETTE.subarray(VOID_INDEX * 3)]).toEqual([...VOID_COLOR]);
  });

  it('round-trips every label through colours (label2image, then colormap2label)', () => {
    const labels = Uint8Array.from({ length: 3 * NUM_VOC_CLASSES }, (_, i) => (i * 7) % NUM_VOC_CLASSES);
    const rgb = labelToImage(labels);
    expect(rgb).toHaveLength(labels.length * 3);
    expect(colormapToLabels(rgb)).toEqual(labels);
    const rgba = labelToImage(labels, { channels: 4 });
    expect(rgba[3]).toBe(255);
    expect(colormapToLabels(rgba, { channels: 4 })).toEqual(labels);
  });

  it("applies the chapter's rule: other colours, void included, become 0", () => {
    expect(colormap2label(192, 128, 128)).toBe(15);
    expect(colormap2label(...VOID_COLOR)).toBe(0);
    expect(colormap2label(1, 2, 3)).toBe(0);
    const pixels = [...VOID_COLOR, 1, 2, 3, 128, 0, 0];
    expect([...colormapToLabels(pixels)]).toEqual([0, 0, 1]);
    expect([...colormapToLabels(pixels, { void: 'ignore' })]).toEqual([IGNORE_LABEL, 0, 1]);
  });

  it('draws the ignore label in the void colour and refuses other values', () => {
    expect([...labelToImage([IGNORE_LABEL])]).toEqual([...VOID_COLOR]);
    expect(() => labelToImage([21])).toThrow(/label 21 at index 0/);
    expect(() => labelToImage([0, -1])).toThrow(RangeError);
  });
});
