/**
 * `@fcn/train` (Node): everything of `@fcn/train/browser` plus the training loop and the run files
 * (atomic checkpoints, `model.safetensors`, `metrics.jsonl`).
 */
export * from './browser.js';
export { writeFileAtomic } from './node/atomic-write.js';
export { type RunPaths, readCheckpoint, runPaths, saveCheckpoint } from './node/run-files.js';
export { type LockOptions, type LockOwner, lockRunFolder, type RunLock } from './node/run-lock.js';
export { removeStrayTempFiles } from './node/stray-temp-files.js';
export {
  type StepInfo,
  type TrainCallbacks,
  type TrainData,
  type TrainOptions,
  type TrainResult,
  type TrainStartInfo,
  train,
} from './train-loop.js';
