import { VOC_CLASSES } from '@fcn/data';
import type { FCN } from '@fcn/models';

/** The model's class names: from its weight file, else VOC's for 21 classes, else `class N`. */
export function classNames(model: FCN): string[] {
  const stored = model.config.classNames;
  if (stored) return [...stored];
  if (model.numClasses === VOC_CLASSES.length) return [...VOC_CLASSES];
  return Array.from({ length: model.numClasses }, (_, i) => `class ${i}`);
}
