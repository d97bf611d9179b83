/**
 * The pure part of the package, re-exported by both entries (`@fcn/data` and `@fcn/data/browser`):
 * classes and colours, normalisation, crop math, batch order, seeded randomness, and the synthetic
 * scenes (`renderScene`: the demo page draws its sample image with it).
 */
export { type BatchOrderOptions, batchOrder } from './batching.js';
export {
  colormap2label,
  colormapToLabels,
  IGNORE_LABEL,
  isValidLabel,
  labelToImage,
  NUM_VOC_CLASSES,
  type Rgb,
  VOC_CLASSES,
  VOC_COLORMAP,
  VOC_PALETTE,
  VOID_COLOR,
  VOID_INDEX,
  type VocClassName,
  type VoidMode,
} from './colormap.js';
export { type CropRect, centerCropRect, cropPixels, fitsCrop, randomCropRect } from './crop.js';
export type { LabelMap, RgbImage, Size } from './image.js';
export { type LabelShare, labelShares } from './label-shares.js';
export {
  denormalizeImage,
  IMAGENET_MEAN,
  IMAGENET_STD,
  NORMALIZE_TABLE,
  normalizeImage,
  normalizeInto,
  normalizeValue,
} from './normalize.js';
export { hashSeed, mulberry32, permutation, type Rng, randomInt, rngFor } from './random.js';
export {
  CLASS_LOOKS,
  type ClassLook,
  type ShapeKind,
  SYNTHETIC_DEFAULT_CLASSES,
  type TextureKind,
} from './synthetic/classes.js';
export { renderScene, type Scene, type SceneObject, type SceneOptions } from './synthetic/scene.js';
