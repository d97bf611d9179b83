/**
 * Segmentation metrics from a confusion matrix (n_ij = pixels of true class i predicted as j,
 * t_i = Σ_j n_ij, the FCN paper's section 5 notation):
 * - pixel accuracy Σ_i n_ii / Σ_i t_i (the chapter's "acc");
 * - mean accuracy (1/n_cl) Σ_i n_ii / t_i;
 * - mean IU (1/n_cl) Σ_i n_ii / (t_i + Σ_j n_ji - n_ii);
 * - frequency-weighted IU (Σ_k t_k)^-1 Σ_i t_i n_ii / (t_i + Σ_j n_ji - n_ii);
 * - per-class IoU and accuracy.
 * A class with no pixel in the truth has no accuracy, and one that appears in neither truth nor
 * prediction has no IoU (`null`); the means are over the classes that have one (numpy's `nanmean`,
 * as the paper's `score.py` does). With no counted pixel at all every figure is `null`.
 */
import type { ConfusionMatrix } from './confusion.js';

export interface SegmentationMetrics {
  pixelAccuracy: number | null;
  meanAccuracy: number | null;
  meanIoU: number | null;
  frequencyWeightedIoU: number | null;
  /** Per class, `null` where undefined (see above). */
  classIoU: (number | null)[];
  classAccuracy: (number | null)[];
  /** Counted pixels. */
  pixels: number;
}

export function segmentationMetrics(confusion: ConfusionMatrix): SegmentationMetrics {
  const c = confusion.numClasses;
  const truth = new Float64Array(c);
  const predicted = new Float64Array(c);
  let correct = 0;
  let total = 0;
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      const n = confusion.get(i, j);
      truth[i] = truth[i]! + n;
      predicted[j] = predicted[j]! + n;
      total += n;
      if (i === j) correct += n;
    }
  }
  const classIoU: (number | null)[] = [];
  const classAccuracy: (number | null)[] = [];
  let weighted = 0;
  for (let i = 0; i < c; i++) {
    const hit = confusion.get(i, i);
    const union = truth[i]! + predicted[i]! - hit;
    classIoU.push(union > 0 ? hit / union : null);
    classAccuracy.push(truth[i]! > 0 ? hit / truth[i]! : null);
    if (union > 0) weighted += (truth[i]! * hit) / union;
  }
  return {
    pixelAccuracy: total > 0 ? correct / total : null,
    meanAccuracy: nanMean(classAccuracy),
    meanIoU: nanMean(classIoU),
    frequencyWeightedIoU: total > 0 ? weighted / total : null,
    classIoU,
    classAccuracy,
    pixels: total,
  };
}

function nanMean(values: (number | null)[]): number | null {
  const defined = values.filter((v): v is number => v !== null);
  return defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null;
}
