import { describe, expect, it } from 'vitest';
import { ConfusionMatrix } from './confusion.js';
import { segmentationMetrics } from './metrics.js';

// Truth / prediction for 10 pixels of 3 classes (255 = ignored), and the counts by hand:
//   truth 0: 4 pixels, predicted 0,0,0,1    truth 1: 3 pixels, predicted 1,1,2
//   truth 2: 1 pixel, predicted 0           two ignored pixels (predicted anything)
const TRUTH = [0, 0, 0, 0, 1, 1, 1, 2, 255, 255];
const PRED = [0, 0, 0, 1, 1, 1, 2, 0, 2, 1];

describe('segmentation metrics', () => {
  it("gives the chapter's pixel accuracy and the FCN paper's metrics", () => {
    const m = segmentationMetrics(new ConfusionMatrix(3).update(TRUTH, PRED));
    // n_ii = 3, 2, 0; t_i = 4, 3, 1; predicted totals 4, 3, 1.
    expect(m.pixelAccuracy).toBeCloseTo(5 / 8, 12);
    expect(m.meanAccuracy).toBeCloseTo((3 / 4 + 2 / 3 + 0) / 3, 12);
    // IU_i = n_ii / (t_i + pred_i - n_ii): 3/5, 2/4, 0/2.
    expect(m.classIoU).toEqual([3 / 5, 2 / 4, 0]);
    expect(m.meanIoU).toBeCloseTo((3 / 5 + 1 / 2) / 3, 12);
    expect(m.frequencyWeightedIoU).toBeCloseTo((4 * (3 / 5) + 3 * (1 / 2) + 0) / 8, 12);
    expect(m.classAccuracy).toEqual([3 / 4, 2 / 3, 0]);
    expect(m.pixels).toBe(8);
  });

  it('leaves a class without truth out of the accuracy mean, and one never seen out of the IoU mean', () => {
    // Class 2 never in the truth but predicted once; class 3 nowhere.
    const m = segmentationMetrics(new ConfusionMatrix(4).update([0, 0, 1, 1], [0, 2, 1, 1]));
    expect(m.classAccuracy).toEqual([1 / 2, 1, null, null]);
    expect(m.classIoU).toEqual([1 / 2, 1, 0, null]);
    expect(m.meanAccuracy).toBeCloseTo(3 / 4, 12);
    expect(m.meanIoU).toBeCloseTo(1.5 / 3, 12);
    const empty = segmentationMetrics(new ConfusionMatrix(2));
    expect([empty.pixelAccuracy, empty.meanIoU, empty.frequencyWeightedIoU]).toEqual([null, null, null]);
  });
});
