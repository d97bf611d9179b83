export { bilinearKernel } from './bilinear.js';
export type { WeightLayout } from './fans.js';
export {
  type KaimingOptions,
  kaiming,
  pytorchDefaultBias,
  pytorchDefaultWeight,
} from './kaiming.js';
export { glorotNormal, glorotUniform, type XavierOptions, xavier } from './xavier.js';
