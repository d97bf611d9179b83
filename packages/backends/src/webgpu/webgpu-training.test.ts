/**
 * The GPU training path, checked without a GPU: the `webgpu` backend (Dawn, here on Mesa's lavapipe)
 * takes SGD steps on a small FCN (with a dilated conv after it) as `fcn train` does (@fcn/train's loss
 * with the ignore label, its gradient through the model, its SGD with momentum), and at every step the
 * loss, every parameter's gradient and the BatchNorm statistics equal the cpu backend's from the same
 * weights and batch.
 */
import '@tensorflow/tfjs-backend-cpu';
import { Sgd, softmaxCrossEntropy } from '@fcn/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setCpuBackend } from '../picker/cpu-backend.js';
import { relativeError, seededValues } from './compare-values.js';
import { FcnWithDilatedConv } from './fcn-with-dilated-conv.js';
import { loadState, readState, type StateValues } from './model-state.js';
import { startWebGpuForTests } from './start-webgpu-for-tests.js';

const NUM_CLASSES = 3;
const IGNORE = 255;
const [N, H, W] = [2, 64, 64];
const STEPS = 3;
/**
 * max |webgpu − cpu| / max |cpu| per tensor. Float32 sums in another order: on lavapipe the worst
 * gradient was 2.5e-5 (a BatchNorm weight), the loss and statistics closer; a wrong kernel is off by far more.
 */
const TOLERANCE = 2e-4;

const UPSAMPLER = 'fcn.transpose_conv.weight';
const DILATED = 'dilated.weight';

interface Batch {
  images: Float32Array;
  labels: Int32Array;
}

/** Seeded images; labels of 3 classes in blocks, with an ignored border 4 pixels wide. */
function makeBatch(): Batch {
  const classes = seededValues(N * 4 * 4, 7);
  const labels = new Int32Array(N * H * W);
  for (let n = 0; n < N; n++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const border = y < 4 || x < 4 || y >= H - 4 || x >= W - 4;
        const block = classes[n * 16 + Math.floor(y / 16) * 4 + Math.floor(x / 16)]!;
        labels[(n * H + y) * W + x] = border ? IGNORE : Math.floor(((block + 1) / 2) * NUM_CLASSES);
      }
    }
  }
  return { images: seededValues(N * H * W * 3, 8), labels };
}

interface Gradients {
  /** The batch's mean loss over its labelled pixels. */
  loss: number;
  /** By parameter name; the caller disposes them. */
  grads: Map<string, tf.Tensor>;
}

/**
 * One batch's loss and gradients on `backend`, from `state`, in training mode (as a training step
 * takes them: the whole batch, the loss with its ignore label, `tf.variableGrads`).
 */
async function gradientsOn(
  backend: 'webgpu' | 'cpu',
  model: FcnWithDilatedConv,
  state: StateValues,
  batch: Batch,
): Promise<Gradients> {
  if (backend === 'cpu') await setCpuBackend();
  else if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  loadState(model, state);
  const images = tf.tensor4d(batch.images, [N, H, W, 3]);
  const labels = tf.tensor3d(batch.labels, [N, H, W], 'int32');
  const params = [...model.namedParameters()];
  const byVariable = new Map(params.map(([name, v]) => [v.name, name]));
  try {
    const { value, grads } = tf.variableGrads(
      () => softmaxCrossEntropy(model.forward(images), labels, { ignoreLabel: IGNORE }),
      params.map(([, v]) => v),
    );
    const loss = (await value.data())[0]!;
    value.dispose();
    return { loss, grads: new Map(Object.entries(grads).map(([v, g]) => [byVariable.get(v)!, g])) };
  } finally {
    tf.dispose([images, labels]);
  }
}

async function valuesOf(tensors: Map<string, tf.Tensor>): Promise<Map<string, Float32Array>> {
  const values = new Map<string, Float32Array>();
  for (const [name, t] of tensors) values.set(name, (await t.data()) as Float32Array);
  return values;
}

/** Names whose relative error is over the tolerance, with the error; and the worst of all. */
function compare(actual: Map<string, Float32Array>, expected: Map<string, Float32Array>) {
  const over: Record<string, number> = {};
  let worst = { name: '', error: 0 };
  for (const [name, values] of expected) {
    const got = actual.get(name);
    const error = got ? relativeError(got, values) : Number.POSITIVE_INFINITY;
    if (!(error <= TOLERANCE)) over[name] = error;
    if (error > worst.error) worst = { name, error };
  }
  return { over, worst };
}

describe('training an FCN on webgpu (Dawn; lavapipe without a GPU)', () => {
  let adapter: string[] = [];
  beforeAll(async () => {
    adapter = await startWebGpuForTests();
  }, 120_000);

  it('matches cpu in the loss, every gradient and the BatchNorm statistics over SGD steps', async () => {
    const model = new FcnWithDilatedConv(NUM_CLASSES, 4, 0);
    const sgd = new Sgd([{ params: [...model.namedParameters()] }], {
      lr: 0.05,
      momentum: 0.9,
      weightDecay: 1e-4,
    });
    const batch = makeBatch();
    const parameterNames = [...model.namedParameters()].map(([name]) => name);
    const bufferNames = [...model.namedBuffers()].map(([name]) => name);
    const tensorsAfterStep: number[] = [];
    const worst: string[] = [];
    for (let step = 0; step < STEPS; step++) {
      const state = await readState(model);

      const onCpu = await gradientsOn('cpu', model, state, batch);
      const cpuGrads = await valuesOf(onCpu.grads);
      tf.dispose([...onCpu.grads.values()]);
      const cpuBuffers = await readState(model);

      const onGpu = await gradientsOn('webgpu', model, state, batch);
      const gpuGrads = await valuesOf(onGpu.grads);
      const gpuBuffers = await readState(model);
      sgd.step(onGpu.grads);
      tf.dispose([...onGpu.grads.values()]);
      await Promise.all(sgd.variables.map((v) => v.data()));
      tensorsAfterStep.push(tf.memory().numTensors);

      expect([...gpuGrads.keys()].sort(), 'a gradient for every parameter').toEqual(
        [...parameterNames].sort(),
      );
      expect(Math.abs(onGpu.loss - onCpu.loss) / onCpu.loss, `step ${step} loss`).toBeLessThan(TOLERANCE);
      const grads = compare(gpuGrads, cpuGrads);
      expect(grads.over, `step ${step}: gradients over ${TOLERANCE}`).toEqual({});
      const stats = (values: StateValues) =>
        new Map(bufferNames.map((name) => [name, values.get(name)!.values] as const));
      const buffers = compare(stats(gpuBuffers), stats(cpuBuffers));
      expect(buffers.over, `step ${step}: BatchNorm statistics over ${TOLERANCE}`).toEqual({});
      worst.push(
        `step ${step}: loss ${onGpu.loss.toFixed(5)} (cpu ${onCpu.loss.toFixed(5)}), worst gradient ` +
          `${grads.worst.error.toExponential(1)} (${grads.worst.name}); upsampler ` +
          `${relativeError(gpuGrads.get(UPSAMPLER)!, cpuGrads.get(UPSAMPLER)!).toExponential(1)}, dilated ` +
          `${relativeError(gpuGrads.get(DILATED)!, cpuGrads.get(DILATED)!).toExponential(1)}`,
      );
    }
    console.info(
      `webgpu on ${adapter.join(', ')} vs cpu, ${parameterNames.length} gradients:\n${worst.join('\n')}`,
    );
    expect(tensorsAfterStep, 'tf.memory().numTensors after each step').toEqual(
      tensorsAfterStep.map(() => tensorsAfterStep[0]),
    );
    sgd.dispose();
    model.dispose();
  }, 300_000);
});
