/**
 * One model's training, step by step: the optimiser's parameter groups, the SGD optimiser, the
 * micro-batch plan sized to the backend's memory, and `step(batch)`: forward, loss, backward over the
 * micro-batches, one SGD update. `train()` runs epochs of it; `fcn bench` and `pnpm bench:backends` time
 * it. `checkpoint()` serialises the training state once, `restore()` reads it back. No Node imports:
 * it runs in a page or a worker too.
 */
import { type SegmentationModel, TorchvisionFCN } from '@fcn/models';
import * as tf from '@tensorflow/tfjs-core';
import { batchGradients, disposeGradients } from './accumulate.js';
import { type LrSchedule, scheduledLr } from './lr-schedule.js';
import { estimateTrainingMemory, parameterMemory } from './memory-estimate.js';
import { chooseMicroBatch, describeMicroBatchPlan, type MicroBatchPlan } from './micro-batch.js';
import { NonFiniteLossError } from './non-finite-loss.js';
import { fcnParamGroups } from './param-groups.js';
import { Sgd } from './sgd.js';
import {
  type DecodedCheckpoint,
  type EncodedCheckpoint,
  encodeCheckpoint,
  restoreCheckpoint,
  type TrainState,
} from './train-state.js';

export interface TrainingSessionOptions {
  /** The chapter's FCN or torchvision's (whose aux head, when it has one, trains with weight 0.5). */
  model: SegmentationModel;
  /** Images of one optimiser step (default 32, the chapter's). */
  batchSize?: number;
  /** `[height, width]` of the training crops: the memory estimate sizes the micro-batches from it. */
  crop?: readonly [number, number];
  /** Default 0.1, the chapter's. */
  lr?: number;
  /** The trunk's learning rate (default: `lr`). */
  trunkLr?: number;
  /** Default 1e-3, the chapter's. */
  weightDecay?: number;
  /** Default 0 (the chapter's plain SGD); MXNet's momentum semantics. */
  momentum?: number;
  /** How the learning rates change over the steps (default `'constant'`); `'poly'` needs `totalSteps`. */
  lrSchedule?: LrSchedule;
  /** Optimiser steps of the whole run (what `'poly'` decays over). */
  totalSteps?: number;
  /** Keep the trunk fixed: out of the optimiser, and in eval mode (BatchNorm's running statistics). */
  freezeTrunk?: boolean;
  /** Micro-batch size (`--micro-batch`); default: chosen from `memoryLimitBytes`. */
  microBatch?: number;
  /** The backend's memory limit (from `@fcn/backends`); without it the whole batch runs at once. */
  memoryLimitBytes?: number;
  /** Default `IGNORE_LABEL` (255). */
  ignoreLabel?: number;
  /**
   * Compute each step's training-mode predictions, for the training accuracy (default true). A
   * benchmark turns them off: PyTorch's step, which it is compared with, takes no argmax.
   */
  predictions?: boolean;
}

/** A batch: normalised NHWC images and their int32 labels. The caller keeps (and disposes) them. */
export interface TrainingBatch {
  images: tf.Tensor4D;
  labels: tf.Tensor3D;
}

export interface StepResult {
  /** The batch's mean loss over its labelled pixels (the aux head's, weighted, included). */
  loss: number;
  /** Images in the batch. */
  images: number;
  /** The labels as read, `[N, H, W]` row-major. */
  labels: Int32Array;
  /** Argmax of the training-mode logits, as `labels`; null with `predictions: false`. */
  predictions: Int32Array | null;
}

/** What `step` names in its error when the loss is NaN or infinite (default: the session's step count). */
export interface StepPlace {
  where?: string;
  lastCheckpoint?: string | null;
}

/** The settings in force, as a checkpoint records them. */
export interface SessionSettings {
  lr: number;
  trunkLr: number | null;
  weightDecay: number;
  momentum: number;
  freezeTrunk: boolean;
  lrSchedule: LrSchedule;
  microBatch: number;
}

/** What the caller adds to a checkpoint: its place in the data and what it recorded so far. */
export type RunRecord = Omit<TrainState, 'version' | 'batchSize' | 'stepsDone'>;

export class TrainingSession {
  readonly model: SegmentationModel;
  readonly batchSize: number;
  readonly plan: MicroBatchPlan;
  /** Estimated training memory per image (bytes), when a crop was given. */
  readonly bytesPerImage: number | undefined;
  /**
   * Estimated peak memory of one step as planned (bytes), when a crop was given: what does not grow
   * with the micro-batch (parameters, momentum, gradients) plus `bytesPerImage` for each image of the
   * largest micro-batch. `@fcn/wasm-kernels`' training-memory test holds it against the measured peak.
   */
  readonly estimatedStepBytes: number | undefined;
  readonly settings: SessionSettings;
  /** torchvision trains its FCN with the aux head's loss at weight 0.5 (references/segmentation). */
  readonly auxLossWeight: number;
  private readonly optimizer: Sgd;
  private readonly params: [string, tf.Variable][];
  private readonly baseLrs: number[];
  private readonly totalSteps: number | undefined;
  private readonly ignoreLabel: number | undefined;
  private readonly predictions: boolean;
  private steps = 0;

  constructor(options: TrainingSessionOptions) {
    const { model, batchSize = 32, crop, freezeTrunk = false, lrSchedule = 'constant' } = options;
    if (lrSchedule !== 'constant' && options.totalSteps === undefined) {
      throw new Error(`lrSchedule '${lrSchedule}' needs totalSteps (the run's optimiser steps)`);
    }
    this.model = model;
    this.batchSize = batchSize;
    this.bytesPerImage = crop ? estimateTrainingMemory(model.config, crop).bytes : undefined;
    if (
      options.microBatch === undefined &&
      options.memoryLimitBytes !== undefined &&
      this.bytesPerImage === undefined
    ) {
      throw new Error('choosing the micro-batch from memoryLimitBytes needs the crop size (crop)');
    }
    const fixedBytes = parameterMemory(model.numParameters());
    this.plan = chooseMicroBatch({
      batchSize,
      bytesPerImage: this.bytesPerImage ?? 1,
      memoryLimitBytes: options.memoryLimitBytes,
      fixedBytes,
      override: options.microBatch,
    });
    this.estimatedStepBytes =
      this.bytesPerImage === undefined ? undefined : fixedBytes + this.plan.microBatch * this.bytesPerImage;
    this.settings = {
      lr: options.lr ?? 0.1,
      trunkLr: options.trunkLr ?? null,
      weightDecay: options.weightDecay ?? 1e-3,
      momentum: options.momentum ?? 0,
      freezeTrunk,
      lrSchedule,
      microBatch: this.plan.microBatch,
    };
    this.auxLossWeight = model instanceof TorchvisionFCN && model.auxClassifier ? 0.5 : 0;
    this.totalSteps = options.totalSteps;
    this.ignoreLabel = options.ignoreLabel;
    this.predictions = options.predictions ?? true;
    const groups = fcnParamGroups(model, {
      trunkLr: options.trunkLr,
      freezeTrunk,
      trunkPrefix: model.trunkPrefix,
    });
    this.params = groups.flatMap((g) => g.params);
    this.optimizer = new Sgd(groups, this.settings);
    this.baseLrs = this.optimizer.groups.map((g) => g.lr);
  }

  /** Optimiser steps taken (restored ones included). */
  get stepsDone(): number {
    return this.steps;
  }

  /** Each parameter group's learning rate (`head`, `trunk`), as of the last step. */
  get learningRates(): Record<string, number> {
    return Object.fromEntries(this.optimizer.groups.map((g) => [g.name, g.lr]));
  }

  /** The plan in words: `micro-batch 8 (4 micro-batches: 8+8+8+8 = 32; about 308 MiB an image ...)`. */
  describePlan(): string {
    return describeMicroBatchPlan(this.plan, this.bytesPerImage);
  }

  /** Training mode, with a frozen trunk in eval mode (its BatchNorm keeps its statistics). */
  trainMode(): void {
    this.model.train();
    if (this.settings.freezeTrunk) this.model.trunk.eval();
  }

  /**
   * One optimiser step on `batch`: forward and backward over the plan's micro-batches (the gradients
   * add up to the batch's), then the SGD update at the schedule's rate. Resolves when the update has
   * landed. A NaN or infinite loss throws `NonFiniteLossError` before the update. Leaves no tensor.
   */
  async step(batch: TrainingBatch, place: StepPlace = {}): Promise<StepResult> {
    this.trainMode();
    const n = batch.images.shape[0];
    const out = await batchGradients(this.model, this.params, batch.images, batch.labels, {
      sizes: this.sizesFor(n),
      numClasses: this.model.numClasses,
      auxLossWeight: this.auxLossWeight,
      predictions: this.predictions,
      ...(this.ignoreLabel !== undefined ? { ignoreLabel: this.ignoreLabel } : {}),
    });
    try {
      if (!Number.isFinite(out.loss)) {
        const where = place.where ?? `optimiser step ${this.steps + 1}`;
        throw new NonFiniteLossError(out.loss, where, place.lastCheckpoint ?? null);
      }
      this.optimizer.groups.forEach((g, i) => {
        g.lr = scheduledLr(this.baseLrs[i]!, this.settings.lrSchedule, this.steps, this.totalSteps ?? 1);
      });
      this.optimizer.step(out.grads);
    } finally {
      disposeGradients(out.grads);
    }
    this.steps++;
    await this.updateLanded();
    return { loss: out.loss, images: n, labels: out.labels, predictions: out.predictions };
  }

  /**
   * The save's two files (`saveCheckpoint` writes them): the weights are read from the backend and
   * serialised once, the momentum and the state added.
   */
  checkpoint(record: RunRecord): EncodedCheckpoint {
    const state: TrainState = { version: 1, ...record, batchSize: this.batchSize, stepsDone: this.steps };
    return encodeCheckpoint(this.model, this.optimizer, state);
  }

  /** Continue from a decoded checkpoint: its weights, momentum and step count. Returns its state. */
  restore(checkpoint: DecodedCheckpoint): TrainState {
    const { state } = checkpoint;
    if (state.batchSize !== this.batchSize) {
      throw new Error(`the checkpoint was made with batches of ${state.batchSize}, not ${this.batchSize}`);
    }
    restoreCheckpoint(checkpoint, this.model, this.optimizer);
    this.steps = state.stepsDone;
    return state;
  }

  /** Free the optimiser's buffers (the model stays the caller's). */
  dispose(): void {
    this.optimizer.dispose();
  }

  /** The plan's split, or a fresh one for a batch of another size (a data source that skipped samples). */
  private sizesFor(n: number): number[] {
    if (n === this.batchSize) return this.plan.sizes;
    return chooseMicroBatch({ batchSize: n, bytesPerImage: 1, override: Math.min(this.plan.microBatch, n) })
      .sizes;
  }

  /** Wait for the update on backends that queue work (GPU): read one value written after it. */
  private async updateLanded(): Promise<void> {
    const last = this.params.at(-1)![1];
    const probe = tf.tidy(() => tf.slice(tf.reshape(last, [-1]), 0, 1));
    try {
      await probe.data();
    } finally {
      probe.dispose();
    }
  }
}
