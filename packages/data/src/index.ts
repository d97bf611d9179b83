/**
 * `@fcn/data` (Node): PASCAL VOC2012 segmentation data for the FCN chapter. The VOC reader, the
 * synthetic VOC generator, the batch pipeline, and everything pure that the browser entry shares.
 */

export { type OnBadSample, type SkippedSample, VocDataError } from './errors.js';
export { decodeLabelPng, encodeLabelPng, LabelFormatError } from './label-png.js';
export type { BatchesOptions, VocBatch } from './node/batches.js';
export { decodeJpeg } from './node/decode-jpeg.js';
export { loadVocSample, type VocSample } from './node/load-sample.js';
export { type CacheMode, type ReadVocSplitOptions, readVocSplit, VocDataset } from './node/read-split.js';
export {
  generateSyntheticVoc,
  SYNTHETIC_DEFAULT_SIZES,
  type SyntheticExample,
  type SyntheticVoc,
  type SyntheticVocOptions,
} from './node/synthetic-voc.js';
export { readSplitIds, type VocSplit, vocPaths } from './node/voc-layout.js';
export * from './shared.js';
export { type DownloadableFile, VOC2012, type VocSource } from './voc-source.js';
