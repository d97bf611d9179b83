/**
 * A confusion matrix over segmentation classes: `count(truth, predicted)` pixels, summed over batches.
 * Every metric of the chapter and of the FCN paper follows from it (see `metrics.ts`).
 */
import { IGNORE_LABEL } from '@fcn/data/browser';

export class ConfusionMatrix {
  /** Row-major `numClasses x numClasses`: row = true class, column = predicted class. */
  readonly counts: Float64Array;

  constructor(
    readonly numClasses: number,
    readonly ignoreLabel: number = IGNORE_LABEL,
  ) {
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new RangeError(`numClasses must be a positive integer, got ${numClasses}`);
    }
    this.counts = new Float64Array(numClasses * numClasses);
  }

  /** A matrix holding `counts` (e.g. restored from a checkpoint). */
  static from(numClasses: number, counts: ArrayLike<number>, ignoreLabel?: number): ConfusionMatrix {
    const m = new ConfusionMatrix(numClasses, ignoreLabel);
    if (counts.length !== m.counts.length) {
      throw new RangeError(`${counts.length} counts given for ${numClasses} classes`);
    }
    m.counts.set(counts);
    return m;
  }

  /**
   * Count pixels: `truth[i]` against `predicted[i]`. Pixels labelled `ignoreLabel` are skipped; any
   * other label outside 0..numClasses-1 is an error (wrong data, or a model with too few classes).
   */
  update(truth: ArrayLike<number>, predicted: ArrayLike<number>): this {
    if (truth.length !== predicted.length) {
      throw new RangeError(`${truth.length} labels but ${predicted.length} predictions`);
    }
    const c = this.numClasses;
    for (let i = 0; i < truth.length; i++) {
      const y = truth[i]!;
      if (y === this.ignoreLabel) continue;
      const p = predicted[i]!;
      if (!(y >= 0 && y < c && Number.isInteger(y))) {
        throw new RangeError(
          `label ${y} at pixel ${i} is not a class of this ${c}-class model (0..${c - 1}) nor the ignore label ${this.ignoreLabel}`,
        );
      }
      if (!(p >= 0 && p < c))
        throw new RangeError(`prediction ${p} at pixel ${i} is not a class (0..${c - 1})`);
      const k = y * c + p;
      this.counts[k] = this.counts[k]! + 1;
    }
    return this;
  }

  /** Add another matrix's counts. */
  merge(other: ConfusionMatrix): this {
    if (other.numClasses !== this.numClasses) {
      throw new RangeError(
        `cannot merge ${other.numClasses}-class counts into ${this.numClasses}-class ones`,
      );
    }
    for (let i = 0; i < this.counts.length; i++) this.counts[i] = this.counts[i]! + other.counts[i]!;
    return this;
  }

  /** Pixels of true class `truth` predicted as `predicted`. */
  get(truth: number, predicted: number): number {
    return this.counts[truth * this.numClasses + predicted]!;
  }

  /** All counted pixels. */
  get total(): number {
    let n = 0;
    for (const v of this.counts) n += v;
    return n;
  }

  reset(): this {
    this.counts.fill(0);
    return this;
  }
}
