/**
 * A training checkpoint in one safetensors file: the model's native weights (`saveWeights`: every
 * parameter and buffer, the config in the metadata), the optimiser's momentum buffers as extra tensors
 * `optimizer.momentum.<parameter>`, and the training state (position in the data order, its seed,
 * figures so far) as JSON in the metadata key `fcn.train_state`. One file, so one atomic rename
 * replaces all of it. Pure code: the file I/O is in `node/run-files.ts`.
 */
import type { Module } from '@fcn/layers';
import {
  CHECKSUM_KEY,
  checkWeightFile,
  float32Tensor,
  loadWeights,
  type RawTensor,
  readSafetensors,
  type SegmentationModel,
  saveWeights,
  toFloat32,
  withChecksum,
  writeSafetensors,
} from '@fcn/models';
import * as tf from '@tensorflow/tfjs-core';
import type { EpochRecord } from './epoch-line.js';
import type { Sgd } from './sgd.js';

export const TRAIN_STATE_KEY = 'fcn.train_state';
export const MOMENTUM_PREFIX = 'optimizer.momentum.';

/** Figures of the epoch in progress, so a mid-epoch checkpoint resumes them too. */
export interface EpochProgress {
  /** Σ over the epoch's batches of (batch loss × images). */
  lossSum: number;
  images: number;
  /** Training confusion counts so far, row-major. */
  confusion: number[];
  /** Training seconds so far. */
  seconds: number;
}

/** Everything besides the tensors that an exact resume needs. */
export interface TrainState {
  version: 1;
  /** Where training continues: the 0-based epoch and the step (batch) within it. */
  position: { epoch: number; step: number };
  /** The data order's seed: shuffles and crops follow from (seed, epoch, example). */
  seed: number;
  batchSize: number;
  /** Optimiser steps taken so far, over all epochs. */
  stepsDone: number;
  /** Every finished epoch's figures (what `metrics.jsonl` holds). */
  history: EpochRecord[];
  /** Present when the checkpoint was taken inside an epoch. */
  progress?: EpochProgress;
  /** The hyper-parameters in force (for the record, and to notice changes on resume). */
  hyper: Record<string, number | boolean | string | null>;
  /**
   * The caller's own record of the run (the CLI's data folder and settings), saved in the same file
   * as the weights so that the two can never disagree. Opaque to the loop.
   */
  run?: Record<string, unknown>;
}

export interface DecodedCheckpoint {
  /** The model alone, as a native weight file (`loadWeights` / `fromWeights` read it). */
  modelBytes: Uint8Array;
  state: TrainState;
  /** Momentum buffers by parameter name (empty without momentum). */
  momentum: Map<string, RawTensor>;
}

/** The two files of one save, made from one read of the model's tensors. */
export interface EncodedCheckpoint {
  /** `checkpoint.safetensors`: the weights, the momentum buffers and the training state. */
  checkpoint: Uint8Array;
  /** `model.safetensors`: the model alone, a native weight file (what `decodeCheckpoint` gives back). */
  model: Uint8Array;
}

/**
 * Serialise a save once: the model file is `saveWeights(model)` (the weights read from the backend
 * once), and the checkpoint takes those same bytes (views, not copies) plus the momentum and the
 * state. Nothing is decoded again to make the model file.
 */
export function encodeCheckpoint(
  model: SegmentationModel,
  optimizer: Sgd,
  state: TrainState,
): EncodedCheckpoint {
  const modelFile = saveWeights(model);
  const weights = readSafetensors(modelFile);
  const tensors = new Map<string, RawTensor>(weights.tensors);
  for (const [name, buffer] of optimizer.state()) {
    tensors.set(MOMENTUM_PREFIX + name, float32Tensor(buffer.dataSync() as Float32Array, buffer.shape));
  }
  // One checksum over every tensor (weights and momentum): a flipped byte anywhere is refused on resume.
  const checkpoint = writeSafetensors(
    tensors,
    withChecksum(tensors, { ...weights.metadata, [TRAIN_STATE_KEY]: JSON.stringify(state) }),
  );
  return { checkpoint, model: modelFile };
}

export function decodeCheckpoint(bytes: Uint8Array | ArrayBuffer): DecodedCheckpoint {
  const file = readSafetensors(bytes);
  const { [TRAIN_STATE_KEY]: json, [CHECKSUM_KEY]: _, ...metadata } = file.metadata;
  if (json === undefined) {
    throw new Error(`not a training checkpoint: no '${TRAIN_STATE_KEY}' metadata (a plain weight file?)`);
  }
  const state = parseState(json);
  // The checksum (when there is one) and finite values, over the weights and the momentum alike.
  checkWeightFile(file);
  const model = new Map<string, RawTensor>();
  const momentum = new Map<string, RawTensor>();
  for (const [key, t] of file.tensors) {
    if (key.startsWith(MOMENTUM_PREFIX)) momentum.set(key.slice(MOMENTUM_PREFIX.length), t);
    else model.set(key, t);
  }
  const modelMetadata = file.metadata[CHECKSUM_KEY] === undefined ? metadata : withChecksum(model, metadata);
  return { modelBytes: writeSafetensors(model, modelMetadata), state, momentum };
}

/** Load a decoded checkpoint's weights into `model` and its momentum into `optimizer`. */
export function restoreCheckpoint(
  checkpoint: DecodedCheckpoint,
  model: SegmentationModel,
  optimizer: Sgd,
): void {
  const momentum = new Map<string, tf.Tensor>();
  try {
    for (const [name, raw] of checkpoint.momentum)
      momentum.set(name, tf.tensor(toFloat32(raw), raw.shape, 'float32'));
    // Check the optimiser first (it changes nothing on failure), then load the weights.
    optimizer.loadState(momentum);
    loadWeights(model, checkpoint.modelBytes, { format: 'native' });
  } finally {
    for (const t of momentum.values()) t.dispose();
  }
}

/** Copy every parameter and buffer (for comparisons in tests and tools). */
export function snapshotState(model: Module): Map<string, Float32Array> {
  return new Map([...model.stateDict()].map(([k, v]) => [k, (v.dataSync() as Float32Array).slice()]));
}

function parseState(json: string): TrainState {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new Error(`checkpoint metadata '${TRAIN_STATE_KEY}' is not JSON (${(e as Error).message})`);
  }
  const s = raw as Partial<TrainState>;
  const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  if (
    typeof s !== 'object' ||
    s === null ||
    s.version !== 1 ||
    !isCount(s.position?.epoch) ||
    !isCount(s.position?.step) ||
    !Number.isSafeInteger(s.seed) ||
    !isCount(s.batchSize) ||
    !isCount(s.stepsDone) ||
    !Array.isArray(s.history) ||
    (s.run !== undefined && (typeof s.run !== 'object' || s.run === null || Array.isArray(s.run)))
  ) {
    throw new Error(
      `checkpoint metadata '${TRAIN_STATE_KEY}' is not a version-1 training state: ${json.slice(0, 200)}`,
    );
  }
  return s as TrainState;
}
