/**
 * `@fcn/train` (Node): everything of `@fcn/train/browser` plus the training loop and the run files
 * (atomic checkpoints, `model.safetensors`, `metrics.jsonl`).
 */
export * from './browser.js';
export { writeFileAtomic } from './node/atomic-write.js';
export {
  appendMetrics,
  metricsLine,
  type RunPaths,
  readCheckpoint,
  rewriteMetrics,
  runPaths,
  saveCheckpoint,
} from './node/run-files.js';
export {
  NonFiniteLossError,
  type StepInfo,
  type TrainCallbacks,
  type TrainData,
  type TrainOptions,
  type TrainResult,
  type TrainStartInfo,
  train,
} from './train-loop.js';
