/**
 * The figures of the epoch in progress: the loss summed over images, the training confusion matrix,
 * the training seconds and steps; restored from a mid-epoch checkpoint, and turned into the epoch's
 * `EpochRecord` at its end.
 */
import { ConfusionMatrix } from './confusion.js';
import type { EpochRecord } from './epoch-line.js';
import { type SegmentationMetrics, segmentationMetrics } from './metrics.js';
import type { EpochProgress } from './train-state.js';
import type { StepResult } from './training-session.js';

export class EpochTally {
  private lossSum: number;
  private images: number;
  private seconds: number;
  private readonly confusion: ConfusionMatrix;
  /** When the epoch began (its time counts the evaluation too, as the chapter's). */
  private readonly startedAt: number;

  /** `steps`: batches of the epoch already done (skipped on resume); `progress`: their figures. */
  constructor(
    numClasses: number,
    ignoreLabel: number | undefined,
    public steps = 0,
    progress?: EpochProgress,
  ) {
    this.lossSum = progress?.lossSum ?? 0;
    this.images = progress?.images ?? 0;
    this.seconds = progress?.seconds ?? 0;
    this.confusion = progress?.confusion.length
      ? ConfusionMatrix.from(numClasses, progress.confusion, ignoreLabel)
      : new ConfusionMatrix(numClasses, ignoreLabel);
    this.startedAt = performance.now() - this.seconds * 1000;
  }

  /** Count one step that took `seconds`. */
  add(step: StepResult, seconds: number): void {
    if (step.predictions) this.confusion.update(step.labels, step.predictions);
    this.lossSum += step.loss * step.images;
    this.images += step.images;
    this.seconds += seconds;
    this.steps++;
  }

  /** Training images a second over the epoch so far. */
  get imagesPerSec(): number {
    return this.images / this.seconds;
  }

  /** What a mid-epoch checkpoint keeps. */
  progress(): EpochProgress {
    return {
      lossSum: this.lossSum,
      images: this.images,
      confusion: [...this.confusion.counts],
      seconds: this.seconds,
    };
  }

  /** The finished epoch's figures. */
  record(epoch: number, test: SegmentationMetrics | undefined, lr: Record<string, number>): EpochRecord {
    return {
      epoch,
      loss: this.lossSum / this.images,
      trainAcc: segmentationMetrics(this.confusion).pixelAccuracy,
      ...(test ? { test } : {}),
      time: (performance.now() - this.startedAt) / 1000,
      imagesPerSec: this.images / this.seconds,
      steps: this.steps,
      images: this.images,
      lr,
    };
  }
}
