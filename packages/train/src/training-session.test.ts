import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IGNORE_LABEL } from '@fcn/data/browser';
import * as models from '@fcn/models';
import { fcn, torchvisionFcn } from '@fcn/models';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { softmaxCrossEntropy } from './loss.js';
import { estimateTrainingMemory, parameterMemory } from './memory-estimate.js';
import { runPaths, saveCheckpoint } from './node/run-files.js';
import { NonFiniteLossError } from './non-finite-loss.js';
import { Sgd } from './sgd.js';
import { decodeCheckpoint, snapshotState } from './train-state.js';
import { type RunRecord, TrainingSession } from './training-session.js';

// Pass-through spies on the serialisers the checkpoint uses, to count them.
vi.mock('@fcn/models', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@fcn/models')>();
  return {
    ...actual,
    saveWeights: vi.fn(actual.saveWeights),
    writeSafetensors: vi.fn(actual.writeSafetensors),
  };
});

const N = 4;
const SIZE = 32;
const tinyModel = (seed = 3) => fcn({ trunk: { arch: 'resnet18', width: 2 }, numClasses: 3, seed });

/** Images, and labels 0..2 with some void pixels. */
function batch(seed = 4) {
  const images = tf.randomUniform([N, SIZE, SIZE, 3], -2, 2, 'float32', seed) as tf.Tensor4D;
  const labels = tf.tidy(() => {
    const y = tf.randomUniform([N, SIZE, SIZE], 0, 3, 'int32', seed + 1);
    const rows = tf.tile(tf.reshape(tf.range(0, SIZE), [1, SIZE, 1]), [N, 1, SIZE]);
    return tf.where(tf.less(rows, 5), tf.fill([N, SIZE, SIZE], IGNORE_LABEL, 'int32'), y) as tf.Tensor3D;
  });
  return { images, labels };
}

function maxDiff(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let worst = 0;
  for (const [key, values] of a) {
    const other = b.get(key)!;
    for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(values[i]! - other[i]!));
  }
  return worst;
}

const RECORD: RunRecord = { position: { epoch: 0, step: 1 }, seed: 0, history: [], hyper: {} };

describe('TrainingSession', () => {
  it('takes one SGD step of the chapter: equal to a hand-made whole-batch step (variableGrads + Sgd)', async () => {
    const data = batch();
    const mine = tinyModel();
    const theirs = tinyModel();
    const initial = snapshotState(mine);
    const session = new TrainingSession({ model: mine, batchSize: N, lr: 0.1, weightDecay: 1e-3 });
    const out = await session.step(data);
    // What the benchmarks did before the session: loss on the whole batch, one group, no momentum.
    const params = [...theirs.namedParameters()].filter(([, v]) => v.trainable);
    const sgd = new Sgd([{ params }], { lr: 0.1, weightDecay: 1e-3 });
    theirs.train();
    const { value, grads } = tf.variableGrads(
      () => softmaxCrossEntropy(theirs.forward(data.images) as tf.Tensor4D, data.labels),
      params.map(([, v]) => v),
    );
    sgd.step(new Map(params.map(([name, v]) => [name, grads[v.name]!])));
    expect(out.loss).toBeCloseTo(value.dataSync()[0]!, 5);
    expect(maxDiff(snapshotState(mine), initial)).toBeGreaterThan(1e-3); // the step moved the weights
    expect(maxDiff(snapshotState(mine), snapshotState(theirs))).toBeLessThan(1e-5);
    expect(out.images).toBe(N);
    expect(out.predictions).toHaveLength(N * SIZE * SIZE);
    expect(session.stepsDone).toBe(1);
    expect(session.learningRates).toEqual({ head: 0.1, trunk: 0.1 });
    tf.dispose([value, ...Object.values(grads), data.images, data.labels]);
    session.dispose();
    sgd.dispose();
    mine.dispose();
    theirs.dispose();
  });

  it('gives the whole-batch step with micro-batches of 1 and 2 (frozen trunk: no batch statistics) to 1e-5', async () => {
    const data = batch();
    const after = async (microBatch: number) => {
      const model = tinyModel();
      const session = new TrainingSession({
        model,
        batchSize: N,
        microBatch,
        freezeTrunk: true,
        momentum: 0.9,
      });
      expect(session.plan.sizes).toHaveLength(N / microBatch);
      const { loss } = await session.step(data);
      const state = snapshotState(model);
      session.dispose();
      model.dispose();
      return { loss, state };
    };
    const whole = await after(N);
    for (const microBatch of [1, 2]) {
      const split = await after(microBatch);
      expect(split.loss).toBeCloseTo(whole.loss, 5);
      expect(maxDiff(split.state, whole.state)).toBeLessThan(1e-5);
    }
    tf.dispose([data.images, data.labels]);
  });

  it('leaves tf.memory().numTensors flat over steps (micro-batches, momentum, no predictions)', async () => {
    const data = batch();
    const model = tinyModel();
    const session = new TrainingSession({
      model,
      batchSize: N,
      microBatch: 3,
      momentum: 0.9,
      predictions: false,
    });
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const out = await session.step(data);
      expect(out.predictions).toBeNull();
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size).toBe(1);
    const before = tf.memory().numTensors;
    session.dispose(); // the momentum buffers, one a parameter
    expect(tf.memory().numTensors).toBe(before - model.parameters().length);
    tf.dispose([data.images, data.labels]);
    model.dispose();
  });

  it('serialises a save once: the weights once (the model file), the checkpoint once around them', async () => {
    const data = batch();
    const model = tinyModel();
    const session = new TrainingSession({ model, batchSize: N, momentum: 0.9 });
    await session.step(data);
    const paths = runPaths(await mkdtemp(join(tmpdir(), 'fcn-session-')));
    vi.mocked(models.saveWeights).mockClear();
    vi.mocked(models.writeSafetensors).mockClear();
    await saveCheckpoint(paths, session.checkpoint(RECORD));
    // Before: saveWeights, then the checkpoint, then the checkpoint decoded and its model part written again.
    expect(models.saveWeights).toHaveBeenCalledTimes(1);
    expect(models.writeSafetensors).toHaveBeenCalledTimes(1);
    const decoded = decodeCheckpoint(await readFile(paths.checkpoint));
    expect(decoded.state).toEqual({ version: 1, ...RECORD, batchSize: N, stepsDone: 1 });
    expect(new Uint8Array(await readFile(paths.model))).toEqual(decoded.modelBytes);
    await rm(paths.dir, { recursive: true, force: true });
    tf.dispose([data.images, data.labels]);
    session.dispose();
    model.dispose();
  });

  it('restores weights, momentum and step count: the next step equals the uninterrupted one', async () => {
    const [first, second] = [batch(4), batch(8)];
    const options = { batchSize: N, momentum: 0.9, lrSchedule: 'poly' as const, totalSteps: 4 };
    const model = tinyModel();
    const session = new TrainingSession({ model, ...options });
    await session.step(first);
    const saved = decodeCheckpoint(session.checkpoint(RECORD).checkpoint);
    await session.step(second);

    const other = tinyModel(99);
    const resumed = new TrainingSession({ model: other, ...options });
    expect(resumed.restore(saved).stepsDone).toBe(1);
    expect(resumed.stepsDone).toBe(1);
    await resumed.step(second);
    expect(snapshotState(other)).toEqual(snapshotState(model));
    expect(resumed.learningRates).toEqual(session.learningRates);
    expect(resumed.learningRates.head).toBeCloseTo(0.1 * (1 - 1 / 4) ** 0.9, 12);

    const wrongBatch = new TrainingSession({ model: other, ...options, batchSize: 2 });
    expect(() => wrongBatch.restore(saved)).toThrow(/the checkpoint was made with batches of 4, not 2/);
    for (const s of [session, resumed, wrongBatch]) s.dispose();
    tf.dispose([first.images, first.labels, second.images, second.labels]);
    model.dispose();
    other.dispose();
  });

  it('refuses a NaN loss before the update, naming the step', async () => {
    const data = batch();
    const model = tinyModel();
    const session = new TrainingSession({ model, batchSize: N });
    tf.tidy(() => model.finalConv.weight.assign(tf.fill(model.finalConv.weight.shape, Number.NaN)));
    const before = snapshotState(model);
    await expect(session.step(data)).rejects.toThrow(NonFiniteLossError);
    await expect(session.step(data)).rejects.toThrow(
      /^the loss is NaN at optimiser step 1: training stopped without applying that step\. No checkpoint/,
    );
    await expect(
      session.step(data, { where: 'epoch 2, step 3', lastCheckpoint: 'run/c.safetensors' }),
    ).rejects.toThrow(/at epoch 2, step 3: .* The last good checkpoint is run\/c\.safetensors/);
    expect(session.stepsDone).toBe(0);
    const after = snapshotState(model);
    // BatchNorm's running statistics move in the forward pass; no parameter does.
    for (const [name] of model.namedParameters()) expect(after.get(name), name).toEqual(before.get(name));
    tf.dispose([data.images, data.labels]);
    session.dispose();
    model.dispose();
  });

  it('estimates the memory of a step as planned: the parameters, and the largest micro-batch at the crop', () => {
    const model = tinyModel();
    const crop = [64, 96] as const;
    const session = new TrainingSession({ model, batchSize: 5, crop, microBatch: 3 });
    expect(session.plan.sizes).toEqual([3, 2]);
    expect(session.bytesPerImage).toBe(estimateTrainingMemory(model.config, crop).bytes);
    expect(session.estimatedStepBytes).toBe(
      parameterMemory(model.numParameters()) + 3 * estimateTrainingMemory(model.config, crop).bytes,
    );
    const noCrop = new TrainingSession({ model, batchSize: 5 });
    expect(noCrop.estimatedStepBytes).toBeUndefined();
    session.dispose();
    noCrop.dispose();
    model.dispose();
  });

  it("trains torchvision's FCN with its aux head at weight 0.5, and plans micro-batches from memory", async () => {
    const model = torchvisionFcn({ blocks: [1, 1, 1, 1], numClasses: 3, aux: true, seed: 1 });
    const crop = [8, 8] as const;
    // A frozen backbone keeps the step short on the cpu backend (its backward pass is not needed).
    const session = new TrainingSession({
      model,
      batchSize: 2,
      crop,
      memoryLimitBytes: 2 ** 40,
      freezeTrunk: true,
    });
    expect(session.auxLossWeight).toBe(0.5);
    expect(session.plan.reason).toBe('whole batch');
    expect(session.describePlan()).toMatch(/^micro-batch 2 \(the whole batch of 2; about \d+ MiB an image/);
    const before = snapshotState(model).get('aux_classifier.4.weight')!;
    const images = tf.randomUniform([2, ...crop, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
    const labels = tf.randomUniform([2, ...crop], 0, 3, 'int32', 2) as tf.Tensor3D;
    const { loss } = await session.step({ images, labels });
    expect(Number.isFinite(loss)).toBe(true);
    expect(snapshotState(model).get('aux_classifier.4.weight')).not.toEqual(before);
    expect(() => new TrainingSession({ model, batchSize: 2, memoryLimitBytes: 2 ** 30 })).toThrow(
      /needs the crop size/,
    );
    expect(() => new TrainingSession({ model, lrSchedule: 'poly' })).toThrow(/needs totalSteps/);
    tf.dispose([images, labels]);
    session.dispose();
    model.dispose();
  });
});
