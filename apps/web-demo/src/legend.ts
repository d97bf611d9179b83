/** The legend: the classes present in a mask, largest share first, with their VOC colours. */
import { labelShares, VOC_CLASSES, VOC_COLORMAP, VOID_COLOR } from '@fcn/data/browser';

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
  return labelShares(labels).map(({ label: index, share }) => {
    const [r, g, b] = VOC_COLORMAP[index] ?? VOID_COLOR;
    return { index, name: names[index] ?? `class ${index}`, share, colour: `rgb(${r}, ${g}, ${b})` };
  });
}

/** `person 31.2%` */
export const formatShare = (entry: LegendEntry) => `${entry.name} ${(entry.share * 100).toFixed(1)}%`;
