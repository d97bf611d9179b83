/** How much of a label map each class covers: what a legend or a one-line summary of a mask shows. */

export interface LabelShare {
  /** The label value (a class 0..20, or the ignore label). */
  label: number;
  /** Pixels with that label. */
  count: number;
  /** `count` over all pixels, 0..1. */
  share: number;
}

/** The labels present in `labels`, largest share first (ties: smaller label first). */
export function labelShares(labels: ArrayLike<number>): LabelShare[] {
  const counts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) counts.set(labels[i]!, (counts.get(labels[i]!) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .map(([label, count]) => ({ label, count, share: count / labels.length }));
}
