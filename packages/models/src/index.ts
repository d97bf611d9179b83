export { countForwardActivations } from './activation-count.js';
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
export { detectFormat, type WeightFormat } from './formats/detect.js';
export { type TrunkFileSpec, trunkSpecFromState } from './formats/trunk-spec.js';
export { readPth } from './pytorch/read.js';
export {
  type ResNetArch,
  type ResNetOptions,
  ResNetTrunk,
  resnet18Trunk,
  resnet34Trunk,
  type TrunkConfig,
} from './resnet.js';
export { type Dtype, float32Tensor, type RawTensor, toFloat32 } from './safetensors/dtypes.js';
export { type ReadSafetensorsOptions, readSafetensors, type Safetensors } from './safetensors/read.js';
export { type TensorToWrite, writeSafetensors } from './safetensors/write.js';
export { inputMultiple, type ModelConfig, type SegmentationModel } from './segmentation-model.js';
export {
  type BottleneckArch,
  type FcnOutputs,
  type StageBlocks,
  TorchvisionFCN,
  type TorchvisionFcnArch,
  type TorchvisionFcnConfig,
  type TorchvisionFcnOptions,
  torchvisionFcn,
} from './torchvision-fcn/index.js';
export { checkWeightFile, type WeightCheckOptions } from './weight-checks.js';
export { CHECKSUM_KEY, withChecksum } from './weight-checksum.js';
export { readWeightFile } from './weight-file.js';
export { describeNonFinite, findNonFinite, type NonFiniteTensor } from './weight-finite.js';
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
  MODEL_ZOO,
  ZOO_NAMES,
  ZOO_VOC_CLASSES,
  type ZooEntry,
  type ZooKind,
  type ZooName,
  zooEntry,
} from './zoo.js';
