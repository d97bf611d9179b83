export { BOTTLENECK_EXPANSION, Bottleneck, type BottleneckOptions } from './bottleneck.js';
export {
  BOTTLENECK_BLOCKS,
  type BottleneckArch,
  BottleneckResNet,
  type BottleneckResNetOptions,
  bottleneckArchOf,
  type StageBlocks,
} from './bottleneck-resnet.js';
export {
  checkTorchvisionFcnConfig,
  describeTorchvisionFcn,
  TORCHVISION_FCN_DILATION,
  type TorchvisionFcnArch,
  type TorchvisionFcnConfig,
  torchvisionFcnShapes,
} from './config.js';
export { Dropout, type DropoutOptions } from './dropout.js';
export { FCNHead } from './fcn-head.js';
export { type FcnOutputs, TorchvisionFCN, type TorchvisionFcnOptions, torchvisionFcn } from './model.js';
export { bilinearMatrix, interpolateBilinear } from './resize-bilinear.js';
export {
  looksLikeTorchvisionFcn,
  torchvisionFcnConfigFromState,
  torchvisionFcnFromState,
  torchvisionFcnTransfer,
} from './state.js';
