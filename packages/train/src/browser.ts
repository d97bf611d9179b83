/**
 * `@fcn/train/browser`: the parts of the package without Node imports: the loss, the metrics, the
 * optimiser, gradient accumulation, the memory estimate and micro-batch choice, evaluation, the epoch
 * line, checkpoint encoding, and whole-image prediction and evaluation (`segment`, `evaluateWholeImages`).
 */
export {
  type AccumulateOptions,
  type BatchGradients,
  batchGradients,
  disposeGradients,
} from './accumulate.js';
export { ConfusionMatrix } from './confusion.js';
export { type EpochRecord, formatEpochLine } from './epoch-line.js';
export { withEvalMode } from './eval-mode.js';
export { type EvalData, type EvaluateOptions, evaluate } from './evaluate.js';
export {
  type EvaluateWholeImagesOptions,
  evaluateWholeImages,
  type LabelledImages,
} from './evaluate-whole.js';
export { type ImageSource, rgbImageSource, tensorImageSource } from './image-source.js';
export { type CrossEntropyOptions, countLabelled, pixelCrossEntropy, softmaxCrossEntropy } from './loss.js';
export { LR_SCHEDULES, type LrSchedule, POLY_POWER, scheduledLr } from './lr-schedule.js';
export { type ActivationCount, estimateTrainingMemory, parameterMemory } from './memory-estimate.js';
export { type SegmentationMetrics, segmentationMetrics } from './metrics.js';
export {
  type ChooseMicroBatchOptions,
  chooseMicroBatch,
  describeMicroBatchPlan,
  type MicroBatchPlan,
  splitBatch,
} from './micro-batch.js';
export { fcnParamGroups, type ParamGroupOptions } from './param-groups.js';
export {
  predictClassMap,
  predictWholeImage,
  type WholeImageOptions,
  wholeImageLogits,
  wholeImageWorkBytes,
} from './predict-whole.js';
export {
  FCN_WINDOW,
  LARGE_IMAGE_WINDOW,
  type Pixels,
  type Segmentation,
  type SegmentOptions,
  segment,
  segmentWindow,
  WHOLE_IMAGE_MAX_PIXELS,
} from './segment.js';
export { type GroupSettings, type ParamGroup, Sgd, type SgdOptions } from './sgd.js';
export {
  type FitMode,
  planTiles,
  type TilePlan,
  type TilingOptions,
  WINDOW_MULTIPLE,
  windowStarts,
} from './tiling.js';
export {
  type DecodedCheckpoint,
  decodeCheckpoint,
  type EpochProgress,
  encodeCheckpoint,
  MOMENTUM_PREFIX,
  restoreCheckpoint,
  snapshotState,
  TRAIN_STATE_KEY,
  type TrainState,
} from './train-state.js';
