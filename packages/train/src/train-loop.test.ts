import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticVoc, readVocSplit, type VocDataset } from '@fcn/data';
import { fcn, fromWeights } from '@fcn/models';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EpochRecord } from './epoch-line.js';
import { estimateTrainingMemory, parameterMemory } from './memory-estimate.js';
import { NonFiniteLossError } from './non-finite-loss.js';
import { type TrainOptions, train } from './train-loop.js';
import { snapshotState } from './train-state.js';

let dir: string;
let trainSet: VocDataset;
let valSet: VocDataset;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fcn-train-'));
  // Tiny VOC: 6 training and 2 validation images of 40x48, classes 1 and 2 (labels 0, 1, 2 and void).
  const voc = await generateSyntheticVoc({
    root: join(dir, 'voc'),
    train: 6,
    val: 2,
    sizes: [[40, 48]],
    classes: [1, 2],
    seed: 0,
  });
  trainSet = await readVocSplit({ root: voc.root, split: 'train', crop: [32, 32], void: 'ignore' });
  valSet = await readVocSplit({ root: voc.root, split: 'val', crop: [32, 32], void: 'ignore' });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tinyModel = (seed = 1) => fcn({ trunk: { arch: 'resnet18', width: 2 }, numClasses: 3, seed });

/** The chapter's set-up in miniature: batches of 2 (3 steps an epoch), micro-batches of 1, momentum. */
const base = (model: ReturnType<typeof tinyModel>, runDir: string): TrainOptions => ({
  model,
  train: trainSet,
  val: valSet,
  epochs: 2,
  batchSize: 2,
  microBatch: 1,
  lr: 0.1,
  weightDecay: 1e-3,
  momentum: 0.9,
  seed: 5,
  runDir,
  prefetch: 0,
});

const withoutTime = (h: EpochRecord[]) => h.map(({ time, imagesPerSec, ...rest }) => rest);

describe('train', () => {
  let reference: Map<string, Float32Array>;
  let referenceHistory: EpochRecord[];

  it("runs the chapter's loop: one line an epoch, metrics.jsonl, flat tensor count, silent without a logger", async () => {
    const model = tinyModel();
    const runDir = join(dir, 'uninterrupted');
    const lines: string[] = [];
    const counts: number[] = [];
    const steps: [number, number, number][] = [];
    const log = vi.spyOn(console, 'log');
    const result = await train({
      ...base(model, runDir),
      logger: (line) => lines.push(line),
      callbacks: {
        onStep: (s) => {
          counts.push(tf.memory().numTensors);
          steps.push([s.epoch, s.step, s.steps]);
          expect(Number.isFinite(s.loss) && s.imagesPerSec > 0 && s.images === 2).toBe(true);
        },
      },
    });
    expect(log).not.toHaveBeenCalled();
    log.mockRestore();
    expect(result.status).toBe('completed');
    expect(steps).toEqual([
      [1, 1, 3],
      [1, 2, 3],
      [1, 3, 3],
      [2, 1, 3],
      [2, 2, 3],
      [2, 3, 3],
    ]);
    // tf.memory().numTensors is the same after step 1 and step N (an evaluation in between).
    expect(new Set(counts).size).toBe(1);
    expect(lines[0]).toMatch(/^micro-batch 1 \(2 micro-batches: 1\+1 = 2; as asked\)$/);
    const epochLine =
      /^epoch [12], loss \d+\.\d{4}, train acc [01]\.\d{3}, test acc [01]\.\d{3}, time \d+\.\d sec, test mIoU [01]\.\d{3}, \d+\.\d images\/sec$/;
    expect(lines.slice(1)).toHaveLength(2);
    for (const line of lines.slice(1)) expect(line).toMatch(epochLine);
    const jsonl = (await readFile(join(runDir, 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(jsonl.map((r) => r.epoch)).toEqual([1, 2]);
    expect(jsonl[1].test.classIoU).toHaveLength(3);
    expect(jsonl[0].loss).toBe(result.history[0]!.loss);
    // The run folder holds the checkpoint, the model and the log, and no temporary file.
    expect((await readdir(runDir)).sort()).toEqual([
      'checkpoint.safetensors',
      'metrics.jsonl',
      'model.safetensors',
    ]);
    const again = fromWeights(await readFile(join(runDir, 'model.safetensors')));
    expect(snapshotState(again)).toEqual(snapshotState(model));
    again.dispose();
    reference = snapshotState(model);
    referenceHistory = result.history;
    model.dispose();
  });

  it('resumes after a kill at an epoch end with exactly the weights of the uninterrupted run', async () => {
    const runDir = join(dir, 'killed');
    const first = tinyModel();
    const abort = new AbortController();
    const stopped = await train({
      ...base(first, runDir),
      callbacks: { onEpoch: () => abort.abort() },
      signal: abort.signal,
    });
    expect(stopped.status).toBe('aborted');
    expect(stopped.position).toEqual({ epoch: 1, step: 0 });
    first.dispose();
    // A fresh process: a model with other initial weights, everything else from the checkpoint.
    const model = tinyModel(99);
    const lines: string[] = [];
    const resumed = await train({ ...base(model, runDir), resume: true, logger: (l) => lines.push(l) });
    expect(lines).toContain(`resumed from ${join(runDir, 'checkpoint.safetensors')} at epoch 2, step 0`);
    expect(resumed.status).toBe('completed');
    expect(snapshotState(model)).toEqual(reference);
    expect(withoutTime(resumed.history)).toEqual(withoutTime(referenceHistory));
    const jsonl = (await readFile(join(runDir, 'metrics.jsonl'), 'utf8')).trim().split('\n');
    expect(jsonl).toHaveLength(2);
    model.dispose();
  });

  it('resumes from a mid-epoch checkpoint (checkpointEvery) just as exactly', async () => {
    const runDir = join(dir, 'mid-epoch');
    const first = tinyModel();
    const abort = new AbortController();
    const checkpoints: [number, number][] = [];
    await train({
      ...base(first, runDir),
      checkpointEvery: 2,
      signal: abort.signal,
      callbacks: {
        onCheckpoint: ({ epoch, step }) => {
          checkpoints.push([epoch, step]);
          if (epoch === 1 && step === 1) abort.abort();
        },
      },
    });
    // Steps 2 (epoch 0, step 2) and 4 (epoch 1, step 1); the epoch-end one in between.
    expect(checkpoints).toEqual([
      [0, 2],
      [1, 0],
      [1, 1],
    ]);
    first.dispose();
    const model = tinyModel(98);
    // The batch before the position is skipped unread: only the last two batches' 4 images are loaded.
    const data = await readVocSplit({
      root: join(dir, 'voc'),
      split: 'train',
      crop: [32, 32],
      void: 'ignore',
    });
    const load = vi.spyOn(data, 'sample');
    const resumed = await train({ ...base(model, runDir), train: data, resume: true });
    expect(load).toHaveBeenCalledTimes(4);
    expect(resumed.position).toEqual({ epoch: 2, step: 0 });
    expect(snapshotState(model)).toEqual(reference);
    expect(withoutTime(resumed.history)).toEqual(withoutTime(referenceHistory));
    model.dispose();
  });

  it('checkpoints the steps taken before an abort mid-epoch, and resumes from them exactly', async () => {
    const runDir = join(dir, 'interrupted');
    const first = tinyModel();
    const abort = new AbortController();
    const checkpoints: [number, number][] = [];
    const stopped = await train({
      ...base(first, runDir),
      signal: abort.signal,
      callbacks: {
        onStep: ({ epoch, step }) => {
          if (epoch === 1 && step === 2) abort.abort();
        },
        onCheckpoint: ({ epoch, step }) => {
          checkpoints.push([epoch, step]);
        },
      },
    });
    expect(stopped.status).toBe('aborted');
    expect(checkpoints).toEqual([[0, 2]]);
    first.dispose();
    const model = tinyModel(97);
    const resumed = await train({ ...base(model, runDir), resume: true });
    expect(snapshotState(model)).toEqual(reference);
    expect(withoutTime(resumed.history)).toEqual(withoutTime(referenceHistory));
    model.dispose();
  });

  it("follows the 'poly' schedule step by step: full rate first, (1 - 5/6)^0.9 of it at the last of 6 steps", async () => {
    const model = tinyModel();
    const rates: number[] = [];
    const result = await train({
      ...base(model, join(dir, 'poly')),
      lrSchedule: 'poly',
      callbacks: { onEpoch: (r) => void rates.push(r.lr.head!) },
    });
    expect(result.status).toBe('completed');
    expect(rates[0]).toBeCloseTo(0.1 * (1 - 2 / 6) ** 0.9, 12);
    expect(rates[1]).toBeCloseTo(0.1 * (1 - 5 / 6) ** 0.9, 12);
    expect(snapshotState(model)).not.toEqual(reference);
    model.dispose();
  });

  it('stops on a NaN loss with a clear error and keeps the last good checkpoint', async () => {
    const runDir = join(dir, 'nan');
    const model = tinyModel();
    let good: Uint8Array | undefined;
    const run = train({
      ...base(model, runDir),
      epochs: 3,
      callbacks: {
        onEpoch: async () => {
          good = await readFile(join(runDir, 'checkpoint.safetensors'));
        },
        onStep: ({ epoch, step }) => {
          // Corrupt a weight after the first step of epoch 2: the second step's loss is NaN.
          if (epoch === 2 && step === 1) {
            const w = model.finalConv.weight;
            tf.tidy(() => w.assign(tf.fill(w.shape, Number.NaN)));
          }
        },
      },
    });
    await expect(run).rejects.toThrow(NonFiniteLossError);
    await expect(run).rejects.toThrow(
      new RegExp(
        `the loss is NaN at epoch 2, step 2: training stopped .* last good checkpoint is ${join(runDir, 'checkpoint.safetensors')}`,
      ),
    );
    expect(good).toBeDefined();
    expect(Buffer.compare(await readFile(join(runDir, 'checkpoint.safetensors')), good!)).toBe(0);
    expect((await readFile(join(runDir, 'metrics.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(1);
    model.dispose();
  });

  it('stops an exploding run (lr 1e30) before any checkpoint with a message that says so', async () => {
    const model = tinyModel();
    const { runDir, ...options } = base(model, '');
    await expect(train({ ...options, lr: 1e30, momentum: 0 })).rejects.toThrow(
      /the loss is (NaN|Infinity) at epoch 1, step [23].*No checkpoint had been written yet/,
    );
    model.dispose();
  });

  it('keeps a frozen trunk fixed (weights and BatchNorm statistics) and picks micro-batches from a memory limit', async () => {
    const model = tinyModel();
    const before = snapshotState(model);
    let microBatch = 0;
    const { runDir, microBatch: _, ...options } = base(model, '');
    await train({
      ...options,
      epochs: 1,
      freezeTrunk: true,
      // Room (80% of the limit) for the parameters and one and a half images: micro-batches of 1.
      memoryLimitBytes:
        (parameterMemory(model.numParameters()) +
          1.5 * estimateTrainingMemory(model.config, [32, 32]).bytes) /
        0.8,
      callbacks: {
        onStart: ({ plan }) => {
          microBatch = plan.microBatch;
        },
      },
    });
    expect(microBatch).toBe(1);
    const after = snapshotState(model);
    for (const [key, value] of after) {
      if (key.startsWith('trunk.')) expect(value, key).toEqual(before.get(key));
    }
    expect(after.get('final_conv.weight')).not.toEqual(before.get('final_conv.weight'));
    model.dispose();
  });

  it('refuses a resume without a checkpoint, or with another data order', async () => {
    const model = tinyModel();
    await expect(train({ ...base(model, join(dir, 'empty')), resume: true })).rejects.toThrow(
      /no checkpoint to resume from/,
    );
    await expect(
      train({ ...base(model, join(dir, 'uninterrupted')), seed: 6, resume: true }),
    ).rejects.toThrow(/the checkpoint's data order has seed 5, not 6/);
    model.dispose();
  });

  it('on resume, writes the model file again when a stop left it older than the checkpoint', async () => {
    const runDir = join(dir, 'stale-model');
    const model = tinyModel();
    await train({ ...base(model, runDir), epochs: 1 });
    const current = await readFile(join(runDir, 'model.safetensors'));
    // A kill between the checkpoint's rename and the model file's: the model file is the older one.
    await writeFile(join(runDir, 'model.safetensors'), 'an older model');
    const lines: string[] = [];
    const resumed = await train({
      ...base(model, runDir),
      epochs: 1,
      resume: true,
      logger: (l) => lines.push(l),
    });
    expect(resumed.status).toBe('completed');
    expect(lines).toContain(
      `${join(runDir, 'model.safetensors')} was older than the checkpoint (a stop between the two writes): written again`,
    );
    expect((await readFile(join(runDir, 'model.safetensors'))).equals(current)).toBe(true);
    model.dispose();
  });
});
