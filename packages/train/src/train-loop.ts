/**
 * The training loop of the chapter's `d2l.train`: for each epoch, SGD steps over shuffled batches of
 * random crops (`last_batch='discard'`), then the validation split; one line an epoch. Besides:
 * micro-batches sized to the backend's memory, metrics from confusion matrices, a checkpoint at the
 * end of every epoch (and optionally every few steps) written atomically, exact resume, and a stop
 * with a clear error when the loss turns NaN or infinite. It prints nothing unless given a `logger`.
 */
import type { BatchesOptions } from '@fcn/data';
import type * as tf from '@tensorflow/tfjs-core';
import { type EpochRecord, formatEpochLine } from './epoch-line.js';
import { EpochTally } from './epoch-tally.js';
import { evaluate } from './evaluate.js';
import { segmentationMetrics } from './metrics.js';
import type { MicroBatchPlan } from './micro-batch.js';
import {
  appendMetrics,
  type RunPaths,
  readCheckpoint,
  rewriteMetrics,
  runPaths,
  saveCheckpoint,
  syncModelFile,
} from './node/run-files.js';
import { type RunRecord, TrainingSession, type TrainingSessionOptions } from './training-session.js';

/** What the loop needs of a data split; `VocDataset` from `@fcn/data` is one. */
export interface TrainData {
  readonly length: number;
  /** `[height, width]` of the crops (for the memory estimate). */
  readonly crop?: readonly [number, number];
  batches(options: BatchesOptions): AsyncIterable<{ images: tf.Tensor4D; labels: tf.Tensor3D }>;
}

export interface StepInfo {
  /** 1-based epoch and step within it; `steps` per epoch. */
  epoch: number;
  step: number;
  steps: number;
  /** Optimiser steps since the run began (resumed runs included). */
  globalStep: number;
  /** This batch's mean loss. */
  loss: number;
  /** Images in this batch, and images a second for this step and for the epoch so far. */
  images: number;
  imagesPerSec: number;
  epochImagesPerSec: number;
}

export interface TrainStartInfo {
  plan: MicroBatchPlan;
  /** Estimated training memory per image (bytes), when a crop was known. */
  bytesPerImage?: number;
  stepsPerEpoch: number;
  /** Where the run starts (0-based epoch, step), after a resume. */
  start: { epoch: number; step: number };
  epochs: number;
  paths?: RunPaths;
}

export interface TrainCallbacks {
  onStart?(info: TrainStartInfo): void | Promise<void>;
  onStep?(info: StepInfo): void | Promise<void>;
  onEpoch?(record: EpochRecord): void | Promise<void>;
  onCheckpoint?(info: { path: string; epoch: number; step: number }): void | Promise<void>;
}

/** The session's settings (`TrainingSessionOptions`: model, batch, rates, micro-batches), and the run's. */
export interface TrainOptions extends Omit<TrainingSessionOptions, 'crop' | 'totalSteps' | 'predictions'> {
  train: TrainData;
  /** Evaluated after every epoch (the chapter's test accuracy, plus mean IU etc.). */
  val?: TrainData;
  /** Total epochs (a resumed run continues up to this number). */
  epochs: number;
  /** Seed of the data order and crops (default 0; a resumed run keeps its checkpoint's). */
  seed?: number;
  /** Validation batch size (default: the micro-batch). */
  evalBatchSize?: number;
  /** Random validation crops, as the chapter's `test_iter` (default false: centred, the same every epoch). */
  evalRandomCrop?: boolean;
  /** Folder of `checkpoint.safetensors`, `model.safetensors`, `metrics.jsonl`; none: no files. */
  runDir?: string;
  /** Continue from `runDir`'s checkpoint. */
  resume?: boolean;
  /**
   * The caller's record of the run (e.g. its data folder and settings), saved inside every checkpoint
   * (`TrainState.run`); a resume replaces the saved one with this when given.
   */
  run?: Record<string, unknown>;
  /** Also checkpoint every this many optimiser steps inside epochs (default 0: at epoch ends only). */
  checkpointEvery?: number;
  /**
   * Stop before the next step: the run checkpoints the steps taken since its last checkpoint (with a
   * `runDir`) and returns `status: 'aborted'`; a resume continues from exactly there.
   */
  signal?: AbortSignal;
  /** Batches prepared ahead (passed to `batches`). */
  prefetch?: number;
  callbacks?: TrainCallbacks;
  /** Where lines go (the micro-batch plan, each epoch's line); nothing is printed without one. */
  logger?: (line: string) => void;
}

export interface TrainResult {
  status: 'completed' | 'aborted';
  /** Every finished epoch's figures (resumed ones included). */
  history: EpochRecord[];
  /** Where the run stopped (0-based epoch and step to continue from). */
  position: { epoch: number; step: number };
  stepsDone: number;
  plan: MicroBatchPlan;
  paths?: RunPaths;
}

/**
 * The chapter's loop: per epoch, one `TrainingSession` step a batch, then the validation split, the
 * checkpoint, the metrics line and the epoch's line.
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const { epochs, batchSize = 32 } = options;
  const stepsPerEpoch = checkRunShape(options, batchSize);
  const session = new TrainingSession({
    ...options,
    batchSize,
    ...(options.train.crop ? { crop: options.train.crop } : {}),
    totalSteps: epochs * stepsPerEpoch,
  });
  try {
    options.logger?.(session.describePlan());
    const run = await startRun(options, session, stepsPerEpoch);
    await options.callbacks?.onStart?.(startInfo(run));
    while (run.record.position.epoch < epochs) {
      if (options.signal?.aborted) return result(run, 'aborted');
      const tally = await trainEpoch(run);
      if (tally === 'aborted') return result(run, 'aborted');
      await finishEpoch(run, tally);
    }
    return result(run, 'completed');
  } finally {
    session.dispose();
  }
}

/** A run in progress: the session, where it is in the data, and its last checkpoint. */
interface Run {
  readonly options: TrainOptions;
  readonly session: TrainingSession;
  readonly paths: RunPaths | undefined;
  readonly stepsPerEpoch: number;
  record: RunRecord;
  lastCheckpoint: string | null;
  /** `session.stepsDone` at the last checkpoint. */
  savedAtStep: number;
}

/** Checks the options that need no model; returns the steps of an epoch. */
function checkRunShape(options: TrainOptions, batchSize: number): number {
  const { epochs } = options;
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new RangeError(`epochs must be an integer ≥ 0, got ${epochs}`);
  const stepsPerEpoch = Math.floor(options.train.length / batchSize);
  if (stepsPerEpoch < 1) {
    throw new RangeError(
      `the training set has ${options.train.length} examples, fewer than a batch of ${batchSize}`,
    );
  }
  if (options.resume && options.runDir === undefined) {
    throw new Error('resume needs the runDir that holds the checkpoint');
  }
  return stepsPerEpoch;
}

/** A fresh run at epoch 0, or (`resume`) the checkpoint's. */
async function startRun(
  options: TrainOptions,
  session: TrainingSession,
  stepsPerEpoch: number,
): Promise<Run> {
  const run: Run = {
    options,
    session,
    paths: options.runDir === undefined ? undefined : runPaths(options.runDir),
    stepsPerEpoch,
    record: {
      position: { epoch: 0, step: 0 },
      seed: options.seed ?? 0,
      history: [],
      hyper: { ...session.settings, epochs: options.epochs },
      ...(options.run ? { run: options.run } : {}),
    },
    lastCheckpoint: null,
    savedAtStep: 0,
  };
  if (options.resume) await resume(run, run.paths!);
  return run;
}

/** Weights, momentum, position and figures from the checkpoint; the log and model file made to agree. */
async function resume(run: Run, paths: RunPaths): Promise<void> {
  const { options, session } = run;
  const checkpoint = await readCheckpoint(paths.checkpoint);
  const { seed } = checkpoint.state;
  if (options.seed !== undefined && options.seed !== seed) {
    throw new Error(`the checkpoint's data order has seed ${seed}, not ${options.seed}`);
  }
  const { version, batchSize, stepsDone, ...saved } = session.restore(checkpoint);
  run.record = { ...saved, hyper: run.record.hyper, ...(options.run ? { run: options.run } : {}) };
  run.lastCheckpoint = paths.checkpoint;
  run.savedAtStep = stepsDone;
  await rewriteMetrics(paths.metrics, saved.history);
  if (await syncModelFile(paths.model, checkpoint.modelBytes)) {
    options.logger?.(
      `${paths.model} was older than the checkpoint (a stop between the two writes): written again`,
    );
  }
  const { epoch, step } = saved.position;
  options.logger?.(`resumed from ${paths.checkpoint} at epoch ${epoch + 1}, step ${step}`);
}

/**
 * The epoch's batches from the run's position (earlier ones skipped unread), one session step each.
 * On `signal`, checkpoints the steps taken since the last checkpoint and gives up.
 */
async function trainEpoch(run: Run): Promise<EpochTally | 'aborted'> {
  const { options, session, record } = run;
  const { epoch, step: start } = record.position;
  const tally = new EpochTally(session.model.numClasses, options.ignoreLabel, start, record.progress);
  for await (const batch of options.train.batches({
    batchSize: session.batchSize,
    shuffle: true,
    seed: record.seed,
    epoch,
    dropLast: true,
    skip: start,
    ...(options.prefetch !== undefined ? { prefetch: options.prefetch } : {}),
  })) {
    if (options.signal?.aborted) {
      dispose(batch);
      if (session.stepsDone !== run.savedAtStep && tally.steps > start) await save(run, epoch, tally);
      return 'aborted';
    }
    const began = performance.now();
    const step = await session
      .step(batch, {
        where: `epoch ${epoch + 1}, step ${tally.steps + 1}`,
        lastCheckpoint: run.lastCheckpoint,
      })
      .finally(() => dispose(batch));
    const seconds = (performance.now() - began) / 1000;
    tally.add(step, seconds);
    await options.callbacks?.onStep?.({
      epoch: epoch + 1,
      step: tally.steps,
      steps: run.stepsPerEpoch,
      globalStep: session.stepsDone,
      loss: step.loss,
      images: step.images,
      imagesPerSec: step.images / seconds,
      epochImagesPerSec: tally.imagesPerSec,
    });
    const every = options.checkpointEvery ?? 0;
    if (every > 0 && session.stepsDone % every === 0 && tally.steps < run.stepsPerEpoch) {
      await save(run, epoch, tally);
    }
  }
  return tally;
}

/** Validation, the epoch's record, the checkpoint at the epoch's end, the metrics line, the log line. */
async function finishEpoch(run: Run, tally: EpochTally): Promise<void> {
  const { options, session, record } = run;
  const { epoch } = record.position;
  const test = options.val
    ? segmentationMetrics(
        await evaluate(session.model, options.val, {
          batchSize: options.evalBatchSize ?? session.plan.microBatch,
          randomCrop: options.evalRandomCrop ?? false,
          seed: record.seed,
          epoch,
          ...(options.ignoreLabel !== undefined ? { ignoreLabel: options.ignoreLabel } : {}),
        }),
      )
    : undefined;
  const epochRecord = tally.record(epoch + 1, test, session.learningRates);
  record.history.push(epochRecord);
  await save(run, epoch + 1);
  if (run.paths) await appendMetrics(run.paths.metrics, epochRecord);
  options.logger?.(formatEpochLine(epochRecord));
  await options.callbacks?.onEpoch?.(epochRecord);
}

/**
 * Move the run to `epoch`, at the tally's step inside it (mid-epoch, its figures kept) or at its start,
 * and checkpoint there when the run has a folder.
 */
async function save(run: Run, epoch: number, tally?: EpochTally): Promise<void> {
  const { record, paths } = run;
  record.position = { epoch, step: tally?.steps ?? 0 };
  if (tally) record.progress = tally.progress();
  else delete record.progress;
  if (!paths) return;
  await saveCheckpoint(paths, run.session.checkpoint(record));
  run.savedAtStep = run.session.stepsDone;
  run.lastCheckpoint = paths.checkpoint;
  await run.options.callbacks?.onCheckpoint?.({ path: paths.checkpoint, ...record.position });
}

function startInfo(run: Run): TrainStartInfo {
  const { session, paths } = run;
  return {
    plan: session.plan,
    ...(session.bytesPerImage !== undefined ? { bytesPerImage: session.bytesPerImage } : {}),
    stepsPerEpoch: run.stepsPerEpoch,
    start: { ...run.record.position },
    epochs: run.options.epochs,
    ...(paths ? { paths } : {}),
  };
}

function result(run: Run, status: TrainResult['status']): TrainResult {
  return {
    status,
    history: run.record.history,
    position: { ...run.record.position },
    stepsDone: run.session.stepsDone,
    plan: run.session.plan,
    ...(run.paths ? { paths: run.paths } : {}),
  };
}

function dispose(batch: { images: tf.Tensor; labels: tf.Tensor }): void {
  batch.images.dispose();
  batch.labels.dispose();
}
