/**
 * The pure part of the package, re-exported by both entries (`@fcn/data` and `@fcn/data/browser`):
 * classes and colours, label images and shares, normalisation, and the synthetic scenes (`renderScene`:
 * the demo page draws its sample image with it).
 */
export {
  IGNORE_LABEL,
  labelToImage,
  type Rgb,
  VOC_CLASSES,
  VOC_COLORMAP,
  VOC_PALETTE,
  VOID_COLOR,
  type VoidMode,
} from './colormap.js';
export type { LabelMap, RgbImage, Size } from './image.js';
export { type LabelShare, labelShares } from './label-shares.js';
export { normalizeImage, normalizeInto } from './normalize.js';
export { SYNTHETIC_DEFAULT_CLASSES } from './synthetic/classes.js';
export { renderScene, type Scene, type SceneOptions } from './synthetic/scene.js';
