/**
 * `@fcn/data` (Node): PASCAL VOC2012 segmentation data for the FCN chapter. The VOC reader, the
 * synthetic VOC generator, the batch pipeline, and everything pure that the browser entry shares.
 */

export { type OnBadSample, VocDataError } from './errors.js';
export { decodeLabelPng, encodeLabelPng } from './label-png.js';
export type { BatchesOptions, VocBatch } from './node/batches.js';
export { decodeJpeg } from './node/decode-jpeg.js';
export type { VocSample } from './node/load-sample.js';
export { type CacheMode, type ReadVocSplitOptions, readVocSplit, VocDataset } from './node/read-split.js';
export { generateSyntheticVoc, type SyntheticVoc, type SyntheticVocOptions } from './node/synthetic-voc.js';
export type { VocSplit } from './node/voc-layout.js';
export * from './shared.js';
export { VOC2012, type VocSource } from './voc-source.js';
