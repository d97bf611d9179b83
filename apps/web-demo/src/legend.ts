/** The legend: the classes present in a mask, largest share first, with their VOC colours. */
import { VOC_CLASSES, VOC_COLORMAP } from '@fcn/data/browser';

export interface LegendEntry {
  index: number;
  name: string;
  /** Fraction of the pixels, 0..1. */
  share: number;
  /** CSS colour. */
  colour: string;
}

export function legendEntries(
  labels: ArrayLike<number>,
  names: readonly string[] = VOC_CLASSES,
): LegendEntry[] {
  const counts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) counts.set(labels[i]!, (counts.get(labels[i]!) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .map(([index, count]) => {
      const [r, g, b] = VOC_COLORMAP[index] ?? [224, 224, 192];
      return {
        index,
        name: names[index] ?? `class ${index}`,
        share: count / labels.length,
        colour: `rgb(${r}, ${g}, ${b})`,
      };
    });
}

/** `person 31.2%` */
export const formatShare = (entry: LegendEntry) => `${entry.name} ${(entry.share * 100).toFixed(1)}%`;
