export { countForwardActivations } from './activation-count.js';
export { BasicBlock } from './basic-block.js';
export { describeConfig, parseConfig } from './checkpoint.js';
export {
  FCN,
  FCN_VARIANTS,
  type FcnConfig,
  type FcnOptions,
  type FcnVariant,
  fcn,
  type TrunkSpec,
  type UpsampleInit,
} from './fcn.js';
export { d2lKey } from './formats/d2l.js';
export { detectFormat, type WeightFormat } from './formats/detect.js';
export { type TrunkFileSpec, trunkSpecFromState } from './formats/trunk-spec.js';
export { PthError } from './pytorch/errors.js';
export { readPth } from './pytorch/read.js';
export {
  type ResNetArch,
  type ResNetOptions,
  ResNetTrunk,
  resnet18Trunk,
  resnet34Trunk,
  type StageOutputs,
  type TrunkConfig,
} from './resnet.js';
export {
  DTYPE_BYTES,
  type Dtype,
  float16Tensors,
  float32Tensor,
  floatToHalf,
  int64Tensor,
  type RawTensor,
  toFloat32,
} from './safetensors/dtypes.js';
export {
  type ReadSafetensorsOptions,
  readSafetensors,
  type Safetensors,
  SafetensorsError,
} from './safetensors/read.js';
export { type TensorToWrite, writeSafetensors } from './safetensors/write.js';
export {
  inputMultiple,
  isTorchvisionFcnConfig,
  type ModelConfig,
  type SegmentationModel,
} from './segmentation-model.js';
export {
  BOTTLENECK_BLOCKS,
  Bottleneck,
  type BottleneckArch,
  BottleneckResNet,
  bottleneckArchOf,
  checkTorchvisionFcnConfig,
  Dropout,
  describeTorchvisionFcn,
  FCNHead,
  type FcnOutputs,
  interpolateBilinear,
  looksLikeTorchvisionFcn,
  type StageBlocks,
  TorchvisionFCN,
  type TorchvisionFcnArch,
  type TorchvisionFcnConfig,
  type TorchvisionFcnOptions,
  torchvisionFcn,
  torchvisionFcnConfigFromState,
  torchvisionFcnFromState,
  torchvisionFcnShapes,
  torchvisionFcnTransfer,
} from './torchvision-fcn/index.js';
export { checkWeightFile, type WeightCheckOptions } from './weight-checks.js';
export {
  CHECKSUM_KEY,
  ChecksumError,
  crc32,
  tensorChecksum,
  verifyChecksum,
  withChecksum,
} from './weight-checksum.js';
export { readWeightFile } from './weight-file.js';
export {
  assertFiniteWeights,
  countNonFinite,
  describeNonFinite,
  findNonFinite,
  type NonFiniteTensor,
  NonFiniteWeightsError,
} from './weight-finite.js';
export { assertFileCanHold, fileFloatCount, stateElementCount } from './weight-size.js';
export {
  fromWeights,
  type LoadReport,
  type LoadWeightsOptions,
  loadWeights,
  type SaveWeightsOptions,
  saveWeights,
  type WeightDtype,
  type WeightTarget,
} from './weights.js';
export {
  type DownloadableFile,
  isZooName,
  MODEL_ZOO,
  ZOO_NAMES,
  ZOO_VOC_CLASSES,
  type ZooEntry,
  type ZooKind,
  type ZooMetric,
  type ZooName,
  zooEntry,
} from './zoo.js';
