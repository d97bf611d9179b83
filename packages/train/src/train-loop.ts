/**
 * The training loop of the chapter's `d2l.train`: for each epoch, SGD steps over shuffled batches of
 * random crops (`last_batch='discard'`), then the validation split; one line an epoch. Besides:
 * micro-batches sized to the backend's memory, metrics from confusion matrices, a checkpoint at the
 * end of every epoch (and optionally every few steps) written atomically, exact resume, and a stop
 * with a clear error when the loss turns NaN or infinite. It prints nothing unless given a `logger`.
 */
import type { BatchesOptions } from '@fcn/data';
import { type SegmentationModel, TorchvisionFCN } from '@fcn/models';
import type * as tf from '@tensorflow/tfjs-core';
import { batchGradients, disposeGradients } from './accumulate.js';
import { ConfusionMatrix } from './confusion.js';
import { type EpochRecord, formatEpochLine } from './epoch-line.js';
import { evaluate } from './evaluate.js';
import { type LrSchedule, scheduledLr } from './lr-schedule.js';
import { estimateTrainingMemory, parameterMemory } from './memory-estimate.js';
import { segmentationMetrics } from './metrics.js';
import { chooseMicroBatch, describeMicroBatchPlan, type MicroBatchPlan } from './micro-batch.js';
import {
  appendMetrics,
  type RunPaths,
  readCheckpoint,
  rewriteMetrics,
  runPaths,
  saveCheckpoint,
  syncModelFile,
} from './node/run-files.js';
import { fcnParamGroups } from './param-groups.js';
import { Sgd } from './sgd.js';
import { restoreCheckpoint, type TrainState } from './train-state.js';

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

export interface TrainOptions {
  /** The chapter's FCN or torchvision's (whose aux head, when it has one, trains with weight 0.5). */
  model: SegmentationModel;
  train: TrainData;
  /** Evaluated after every epoch (the chapter's test accuracy, plus mean IU etc.). */
  val?: TrainData;
  /** Total epochs (a resumed run continues up to this number). */
  epochs: number;
  /** Default 32, the chapter's. */
  batchSize?: number;
  /** Default 0.1, the chapter's. */
  lr?: number;
  /** The trunk's learning rate (default: `lr`). */
  trunkLr?: number;
  /** Default 1e-3, the chapter's. */
  weightDecay?: number;
  /** Default 0 (the chapter's plain SGD); MXNet's momentum semantics. */
  momentum?: number;
  /** How the learning rates change over the run's steps (default `'constant'`, the chapter's). */
  lrSchedule?: LrSchedule;
  /** Keep the trunk fixed: out of the optimiser, and in eval mode (BatchNorm's running statistics). */
  freezeTrunk?: boolean;
  /** Micro-batch size (`--micro-batch`); default: chosen from `memoryLimitBytes`. */
  microBatch?: number;
  /** The backend's memory limit (from `@fcn/backends`); without it the whole batch runs at once. */
  memoryLimitBytes?: number;
  /** Seed of the data order and crops (default 0; a resumed run keeps its checkpoint's). */
  seed?: number;
  /** Default `IGNORE_LABEL`. */
  ignoreLabel?: number;
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

/** The loss turned NaN or infinite: training stopped before the update; the last checkpoint is kept. */
export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
  constructor(
    readonly loss: number,
    readonly epoch: number,
    readonly step: number,
    readonly lastCheckpoint: string | null,
  ) {
    super(
      `the loss is ${loss} at epoch ${epoch}, step ${step}: training stopped without applying that step. ` +
        (lastCheckpoint
          ? `The last good checkpoint is ${lastCheckpoint}; resume from it, perhaps with a smaller learning rate.`
          : 'No checkpoint had been written yet; try a smaller learning rate.'),
    );
  }
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  const { model, epochs, batchSize = 32, callbacks = {}, logger } = options;
  const numClasses = model.numClasses;
  const ignoreLabel = options.ignoreLabel;
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new RangeError(`epochs must be an integer ≥ 0, got ${epochs}`);
  const stepsPerEpoch = Math.floor(options.train.length / batchSize);
  if (stepsPerEpoch < 1) {
    throw new RangeError(
      `the training set has ${options.train.length} examples, fewer than a batch of ${batchSize}`,
    );
  }
  const checkpointEvery = options.checkpointEvery ?? 0;
  const paths = options.runDir === undefined ? undefined : runPaths(options.runDir);
  if (options.resume && !paths) throw new Error('resume needs the runDir that holds the checkpoint');

  const hyper = {
    lr: options.lr ?? 0.1,
    trunkLr: options.trunkLr ?? null,
    weightDecay: options.weightDecay ?? 1e-3,
    momentum: options.momentum ?? 0,
    freezeTrunk: options.freezeTrunk ?? false,
    lrSchedule: options.lrSchedule ?? 'constant',
  };
  const groups = fcnParamGroups(model, {
    trunkLr: options.trunkLr,
    freezeTrunk: hyper.freezeTrunk,
    trunkPrefix: model.trunkPrefix,
  });
  // torchvision trains its FCN with the aux head's loss at weight 0.5 (references/segmentation).
  const auxLossWeight = model instanceof TorchvisionFCN && model.auxClassifier ? 0.5 : 0;
  const params = groups.flatMap((g) => g.params);
  const optimizer = new Sgd(groups, {
    lr: hyper.lr,
    momentum: hyper.momentum,
    weightDecay: hyper.weightDecay,
  });
  const baseLrs = optimizer.groups.map((g) => g.lr);
  try {
    const crop = options.train.crop;
    const bytesPerImage = crop ? estimateTrainingMemory(model.config, crop).bytes : undefined;
    if (
      options.microBatch === undefined &&
      options.memoryLimitBytes !== undefined &&
      bytesPerImage === undefined
    ) {
      throw new Error('choosing the micro-batch from the memory limit needs the crop size (train.crop)');
    }
    const plan = chooseMicroBatch({
      batchSize,
      bytesPerImage: bytesPerImage ?? 1,
      memoryLimitBytes: options.memoryLimitBytes,
      fixedBytes: parameterMemory(model.numParameters()),
      override: options.microBatch,
    });
    logger?.(describeMicroBatchPlan(plan, bytesPerImage));

    let state: TrainState = {
      version: 1,
      position: { epoch: 0, step: 0 },
      seed: options.seed ?? 0,
      batchSize,
      stepsDone: 0,
      history: [],
      hyper: { ...hyper, epochs, microBatch: plan.microBatch },
      ...(options.run ? { run: options.run } : {}),
    };
    let lastCheckpoint: string | null = null;
    if (options.resume && paths) {
      const checkpoint = await readCheckpoint(paths.checkpoint);
      const saved = checkpoint.state;
      if (options.seed !== undefined && options.seed !== saved.seed) {
        throw new Error(`the checkpoint's data order has seed ${saved.seed}, not ${options.seed}`);
      }
      if (saved.batchSize !== batchSize) {
        throw new Error(`the checkpoint was made with batches of ${saved.batchSize}, not ${batchSize}`);
      }
      restoreCheckpoint(checkpoint, model, optimizer);
      state = { ...saved, hyper: state.hyper, ...(options.run ? { run: options.run } : {}) };
      lastCheckpoint = paths.checkpoint;
      await rewriteMetrics(paths.metrics, state.history);
      if (await syncModelFile(paths.model, checkpoint.modelBytes)) {
        logger?.(
          `${paths.model} was older than the checkpoint (a stop between the two writes): written again`,
        );
      }
      logger?.(
        `resumed from ${paths.checkpoint} at epoch ${saved.position.epoch + 1}, step ${saved.position.step}`,
      );
    }
    await callbacks.onStart?.({
      plan,
      ...(bytesPerImage !== undefined ? { bytesPerImage } : {}),
      stepsPerEpoch,
      start: { ...state.position },
      epochs,
      ...(paths ? { paths } : {}),
    });

    let savedAtStep = state.stepsDone;
    const checkpoint = async (position: TrainState['position']) => {
      if (!paths) return;
      state.position = position;
      await saveCheckpoint(paths, model, optimizer, state);
      savedAtStep = state.stepsDone;
      lastCheckpoint = paths.checkpoint;
      await callbacks.onCheckpoint?.({ path: paths.checkpoint, epoch: position.epoch, step: position.step });
    };
    const result = (status: TrainResult['status']): TrainResult => ({
      status,
      history: state.history,
      position: { ...state.position },
      stepsDone: state.stepsDone,
      plan,
      ...(paths ? { paths } : {}),
    });

    while (state.position.epoch < epochs) {
      if (options.signal?.aborted) return result('aborted');
      const epoch = state.position.epoch;
      const startStep = state.position.step;
      const progress = state.progress ?? { lossSum: 0, images: 0, confusion: [], seconds: 0 };
      const confusion = progress.confusion.length
        ? ConfusionMatrix.from(numClasses, progress.confusion, ignoreLabel)
        : new ConfusionMatrix(numClasses, ignoreLabel);
      let { lossSum, images, seconds } = progress;
      model.train();
      if (hyper.freezeTrunk) model.trunk.eval();
      const epochStart = performance.now() - seconds * 1000;
      let step = 0;
      for await (const batch of options.train.batches({
        batchSize,
        shuffle: true,
        seed: state.seed,
        epoch,
        dropLast: true,
        ...(options.prefetch !== undefined ? { prefetch: options.prefetch } : {}),
      })) {
        if (step < startStep || options.signal?.aborted) {
          batch.images.dispose();
          batch.labels.dispose();
          if (options.signal?.aborted) {
            // Keep the steps taken since the last checkpoint: a resume continues from here.
            if (state.stepsDone !== savedAtStep && step > startStep) {
              state.progress = { lossSum, images, confusion: [...confusion.counts], seconds };
              await checkpoint({ epoch, step });
            }
            return result('aborted');
          }
          step++;
          continue;
        }
        const t0 = performance.now();
        const n = batch.images.shape[0];
        let loss: number;
        try {
          const out = await batchGradients(model, params, batch.images, batch.labels, {
            sizes: chooseSizes(plan, n),
            numClasses,
            auxLossWeight,
            ...(ignoreLabel !== undefined ? { ignoreLabel } : {}),
          });
          loss = out.loss;
          try {
            if (!Number.isFinite(loss))
              throw new NonFiniteLossError(loss, epoch + 1, step + 1, lastCheckpoint);
            optimizer.groups.forEach((g, i) => {
              g.lr = scheduledLr(baseLrs[i]!, hyper.lrSchedule, state.stepsDone, epochs * stepsPerEpoch);
            });
            optimizer.step(out.grads);
          } finally {
            disposeGradients(out.grads);
          }
          confusion.update(out.labels, out.predictions);
        } finally {
          batch.images.dispose();
          batch.labels.dispose();
        }
        const dt = (performance.now() - t0) / 1000;
        lossSum += loss * n;
        images += n;
        seconds += dt;
        step++;
        state.stepsDone++;
        await callbacks.onStep?.({
          epoch: epoch + 1,
          step,
          steps: stepsPerEpoch,
          globalStep: state.stepsDone,
          loss,
          images: n,
          imagesPerSec: n / dt,
          epochImagesPerSec: images / seconds,
        });
        if (checkpointEvery > 0 && state.stepsDone % checkpointEvery === 0 && step < stepsPerEpoch) {
          state.progress = { lossSum, images, confusion: [...confusion.counts], seconds };
          await checkpoint({ epoch, step });
        }
      }
      const test = options.val
        ? segmentationMetrics(
            await evaluate(model, options.val, {
              batchSize: options.evalBatchSize ?? plan.microBatch,
              randomCrop: options.evalRandomCrop ?? false,
              seed: state.seed,
              epoch,
              ...(ignoreLabel !== undefined ? { ignoreLabel } : {}),
            }),
          )
        : undefined;
      const record: EpochRecord = {
        epoch: epoch + 1,
        loss: lossSum / images,
        trainAcc: segmentationMetrics(confusion).pixelAccuracy,
        ...(test ? { test } : {}),
        time: (performance.now() - epochStart) / 1000,
        imagesPerSec: images / seconds,
        steps: step,
        images,
        lr: Object.fromEntries(optimizer.groups.map((g) => [g.name, g.lr])),
      };
      state.history.push(record);
      delete state.progress;
      await checkpoint({ epoch: epoch + 1, step: 0 });
      state.position = { epoch: epoch + 1, step: 0 };
      if (paths) await appendMetrics(paths.metrics, record);
      logger?.(formatEpochLine(record));
      await callbacks.onEpoch?.(record);
    }
    return result('completed');
  } finally {
    optimizer.dispose();
  }
}

/** The plan's split, or a fresh one for a batch of another size (only a data source with skips gives one). */
function chooseSizes(plan: MicroBatchPlan, n: number): number[] {
  const total = plan.sizes.reduce((a, b) => a + b, 0);
  if (n === total) return plan.sizes;
  return chooseMicroBatch({ batchSize: n, bytesPerImage: 1, override: Math.min(plan.microBatch, n) }).sizes;
}
