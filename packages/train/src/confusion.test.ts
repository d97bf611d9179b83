import { describe, expect, it } from 'vitest';
import { ConfusionMatrix } from './confusion.js';

// Truth / prediction for 10 pixels of 3 classes (255 = ignored), and the counts by hand:
//   truth 0: 4 pixels, predicted 0,0,0,1    truth 1: 3 pixels, predicted 1,1,2
//   truth 2: 1 pixel, predicted 0           two ignored pixels (predicted anything)
const TRUTH = [0, 0, 0, 0, 1, 1, 1, 2, 255, 255];
const PRED = [0, 0, 0, 1, 1, 1, 2, 0, 2, 1];

describe('ConfusionMatrix', () => {
  it('counts truth against prediction, skipping the ignore label', () => {
    const m = new ConfusionMatrix(3).update(TRUTH, PRED);
    expect([...m.counts]).toEqual([3, 1, 0, 0, 2, 1, 1, 0, 0]);
    expect(m.total).toBe(8);
    expect(m.get(1, 2)).toBe(1);
    m.merge(ConfusionMatrix.from(3, [1, 0, 0, 0, 0, 0, 0, 0, 0]));
    expect(m.get(0, 0)).toBe(4);
  });

  it('refuses labels that are no class and not the ignore label', () => {
    expect(() => new ConfusionMatrix(3).update([0, 16], [0, 1])).toThrow(
      /label 16 at pixel 1 is not a class of this 3-class model/,
    );
    expect(() => new ConfusionMatrix(3).update([0], [0, 1])).toThrow(/1 labels but 2 predictions/);
    expect(() => ConfusionMatrix.from(2, [1, 2, 3])).toThrow(/3 counts given for 2 classes/);
  });
});
