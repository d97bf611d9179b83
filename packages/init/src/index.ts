export { bilinearFilter, bilinearKernel } from './bilinear.js';
export { constant, ones, zeros } from './constant.js';
export { computeFans, type Fans, type WeightLayout } from './fans.js';
export {
  type KaimingOptions,
  kaiming,
  pytorchDefaultBias,
  pytorchDefaultWeight,
} from './kaiming.js';
export { glorotNormal, glorotUniform, type XavierOptions, xavier } from './xavier.js';
