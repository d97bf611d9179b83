/**
 * One epoch's figures, as `metrics.jsonl` records them, and the chapter's printed line:
 * `epoch 1, loss 1.2399, train acc 0.738, test acc 0.823, time 16.5 sec` (d2l's `train`), followed
 * here by the validation mean IU and the training speed.
 */
import type { SegmentationMetrics } from './metrics.js';

export interface EpochRecord {
  /** 1-based, as the chapter prints it. */
  epoch: number;
  /** Mean training loss over the epoch's images (the chapter's `train_l_sum / n`). */
  loss: number;
  /** Pixel accuracy on the training batches, from the training-mode predictions (the chapter's). */
  trainAcc: number | null;
  /** Validation metrics (absent without a validation set). */
  test?: SegmentationMetrics;
  /** Seconds for the epoch: training and evaluation, as the chapter times it. */
  time: number;
  /** Training images a second (training time only). */
  imagesPerSec: number;
  /** Optimiser steps (batches) in the epoch, and images trained on. */
  steps: number;
  images: number;
  /** Learning rate of each parameter group during the epoch. */
  lr: Record<string, number>;
}

/** `epoch 1, loss 1.2399, train acc 0.738, test acc 0.823, time 16.5 sec, test mIoU 0.412, 35.2 images/sec` */
export function formatEpochLine(record: EpochRecord): string {
  const parts = [
    `epoch ${record.epoch}`,
    `loss ${record.loss.toFixed(4)}`,
    `train acc ${fixed(record.trainAcc, 3)}`,
  ];
  if (record.test) parts.push(`test acc ${fixed(record.test.pixelAccuracy, 3)}`);
  parts.push(`time ${record.time.toFixed(1)} sec`);
  if (record.test) parts.push(`test mIoU ${fixed(record.test.meanIoU, 3)}`);
  parts.push(`${record.imagesPerSec.toFixed(1)} images/sec`);
  return parts.join(', ');
}

const fixed = (v: number | null, digits: number) => (v === null ? 'n/a' : v.toFixed(digits));
