import { VOC_CLASSES } from '@fcn/data';
import type { SegmentationModel } from '@fcn/models';
import { printable } from './printable.js';

/**
 * The model's class names, as printed: from its weight file (control characters escaped and long
 * names cut, since the file may come from anywhere), else VOC's for 21 classes, else `class N`.
 */
export function classNames(model: SegmentationModel): string[] {
  const stored = model.config.classNames;
  if (stored) return stored.map((name) => printable(name, 40));
  if (model.numClasses === VOC_CLASSES.length) return [...VOC_CLASSES];
  return Array.from({ length: model.numClasses }, (_, i) => `class ${i}`);
}
