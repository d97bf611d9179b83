/**
 * `@fcn/data/browser`: preprocessing for the demo page. Pictures to normalised input tensors, label maps
 * to `ImageData` in VOC colours, and the package's pure code (classes, colours, normalisation, synthetic
 * scenes).
 * No Node imports: no `fs`, no `sharp`, no `worker_threads`.
 */
export {
  type ImageSource,
  type ImageToTensorOptions,
  imageToTensor,
  type RawPixels,
} from './browser/image-to-tensor.js';
export { labelsToImageData, labelTensorToImageData } from './browser/label-image-data.js';
export * from './shared.js';
