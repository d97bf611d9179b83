/**
 * `@fcn/train` (Node): everything of `@fcn/train/browser` plus the training loop and the run files
 * (atomic checkpoints, `model.safetensors`, `metrics.jsonl`).
 */
export * from './browser.js';
export { isAtomicTempName, writeFileAtomic } from './node/atomic-write.js';
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
  type LockOptions,
  type LockOwner,
  lockRunFolder,
  RUN_LOCK_FILE,
  RunFolderBusyError,
  type RunLock,
} from './node/run-lock.js';
export { removeStrayTempFiles } from './node/stray-temp-files.js';
export { NonFiniteLossError } from './non-finite-loss.js';
export {
  type StepInfo,
  type TrainCallbacks,
  type TrainData,
  type TrainOptions,
  type TrainResult,
  type TrainStartInfo,
  train,
} from './train-loop.js';
export type { EncodedCheckpoint } from './train-state.js';
export {
  type RunRecord,
  type SessionSettings,
  type StepPlace,
  type StepResult,
  type TrainingBatch,
  TrainingSession,
  type TrainingSessionOptions,
} from './training-session.js';
