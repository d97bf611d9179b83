/**
 * `@fcn/train/browser`: the parts of the package without Node imports: one training step
 * (`TrainingSession`), whole-image inference and evaluation (`segment`, `evaluateWholeImages`,
 * `predictWholeImage`), evaluation on crops, the metrics, the loss and the SGD optimiser.
 */
export { ConfusionMatrix } from './confusion.js';
export type { EpochRecord } from './epoch-line.js';
export { type EvalData, type EvaluateOptions, evaluate } from './evaluate.js';
export {
  type EvaluateWholeImagesOptions,
  evaluateWholeImages,
  type LabelledImages,
} from './evaluate-whole.js';
export type { ImageSource } from './image-source.js';
export { type CrossEntropyOptions, softmaxCrossEntropy } from './loss.js';
export { LR_SCHEDULES, type LrSchedule } from './lr-schedule.js';
export { type SegmentationMetrics, segmentationMetrics } from './metrics.js';
export type { MicroBatchPlan } from './micro-batch.js';
export { NonFiniteLossError } from './non-finite-loss.js';
export { predictWholeImage, type WholeImageOptions, wholeImageWorkBytes } from './predict-whole.js';
export { type Pixels, type Segmentation, type SegmentOptions, segment, segmentWindow } from './segment.js';
export { type GroupSettings, type ParamGroup, Sgd, type SgdOptions } from './sgd.js';
export { type FitMode, planTiles, type TilePlan, type TilingOptions } from './tiling.js';
export {
  type DecodedCheckpoint,
  type EncodedCheckpoint,
  type EpochProgress,
  snapshotState,
  type TrainState,
} from './train-state.js';
export {
  type RunRecord,
  type SessionSettings,
  type StepPlace,
  type StepResult,
  type TrainingBatch,
  TrainingSession,
  type TrainingSessionOptions,
} from './training-session.js';
