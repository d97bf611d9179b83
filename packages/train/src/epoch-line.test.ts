import { describe, expect, it } from 'vitest';
import { type EpochRecord, formatEpochLine } from './epoch-line.js';
import type { SegmentationMetrics } from './metrics.js';

const test: SegmentationMetrics = {
  pixelAccuracy: 0.8234,
  meanAccuracy: 0.5,
  meanIoU: 0.41249,
  frequencyWeightedIoU: 0.7,
  classIoU: [0.8, 0.02499],
  classAccuracy: [0.9, 0.1],
  pixels: 100,
};
const record: EpochRecord = {
  epoch: 1,
  loss: 1.23991,
  trainAcc: 0.73849,
  test,
  time: 16.4501,
  imagesPerSec: 67.44,
  steps: 34,
  images: 1088,
  lr: { head: 0.1 },
};

describe('formatEpochLine', () => {
  it("starts with the chapter's line, then mean IU and speed", () => {
    expect(formatEpochLine(record)).toBe(
      'epoch 1, loss 1.2399, train acc 0.738, test acc 0.823, time 16.5 sec, test mIoU 0.412, 67.4 images/sec',
    );
  });

  it('leaves out the test figures without a validation set, and writes n/a for an undefined one', () => {
    const { test: _, ...noVal } = record;
    expect(formatEpochLine({ ...noVal, trainAcc: null })).toBe(
      'epoch 1, loss 1.2399, train acc n/a, time 16.5 sec, 67.4 images/sec',
    );
  });
});
