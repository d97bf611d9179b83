import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { BatchNorm2d } from '@fcn/layers';
import { Sgd, softmaxCrossEntropy } from '@fcn/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BATCH_NORM_TRAIN,
  BATCH_NORM_TRAIN_GRAD,
  SGD_UPDATE,
  SOFTMAX_CROSS_ENTROPY,
} from './fused-kernel-names.js';
import { simdSupported } from './simd/simd-module.js';
import {
  relativeError,
  seededValues,
  useWasmWithTrainingKernels,
  valuesOn,
} from './testing/compare-backends.js';

/** Names of the kernels `run` called on the current backend (checks that the libraries take the fused path). */
async function kernelsCalled(run: () => void): Promise<Set<string>> {
  const info = await tf.profile(() => tf.tidy(run));
  return new Set(info.kernels.map((k) => k.name));
}

/** Runs `compute` on cpu (the libraries' tfjs-op path) and on wasm (the fused kernels). */
async function onBoth(compute: () => tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const cpu = await valuesOn('cpu', compute);
  const before = tf.memory().numTensors;
  const wasm = await valuesOn('wasm', compute);
  expect(tf.memory().numTensors, 'tf.memory().numTensors after the wasm run').toBe(before);
  return { cpu, wasm };
}

describe('the fused SIMD kernels on wasm', () => {
  beforeAll(useWasmWithTrainingKernels);

  it('compile here (WebAssembly SIMD) and are registered', () => {
    expect(simdSupported()).toBe(true);
    for (const name of [SGD_UPDATE, SOFTMAX_CROSS_ENTROPY, BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, 'Exp']) {
      expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
    }
  });

  it.each([
    { momentum: 0.9, weightDecay: 1e-3 },
    { momentum: 0.9, weightDecay: 0 },
    { momentum: 0, weightDecay: 1e-3 },
    { momentum: 0, weightDecay: 0 },
  ])(
    'Sgd (momentum $momentum, wd $weightDecay) gives the same bits as the tfjs ops on cpu',
    async (hyper) => {
      const shapes = [[3, 3, 5, 7], [13], [1]];
      const compute = () => {
        const params = shapes.map((shape, i) =>
          tf.variable(tf.tensor(seededValues(tf.util.sizeFromShape(shape), 40 + i), shape)),
        );
        const sgd = new Sgd([{ params: params.map((p, i) => [`p${i}`, p] as [string, tf.Variable]) }], {
          lr: 0.05,
          ...hyper,
        });
        for (let step = 0; step < 3; step++) {
          const grads = new Map(
            shapes.map((shape, i) => [
              `p${i}`,
              tf.tensor(seededValues(tf.util.sizeFromShape(shape), 50 + 10 * step + i), shape),
            ]),
          );
          sgd.step(grads);
          tf.dispose([...grads.values()]);
        }
        const out = [...params.map((p) => p.clone()), ...[...sgd.state().values()].map((m) => m.clone())];
        sgd.dispose();
        tf.dispose(params);
        return out;
      };
      const { cpu, wasm } = await onBoth(compute);
      expect(wasm.length).toBe(hyper.momentum > 0 ? 6 : 3);
      for (const [i, values] of wasm.entries()) expect(values, `output ${i}`).toEqual(cpu[i]);
      const w = tf.variable(tf.ones([4]));
      const sgd = new Sgd([{ params: [['w', w]] }], { lr: 0.1, ...hyper });
      const grads = new Map([['w', tf.ones([4])]]);
      expect(await kernelsCalled(() => sgd.step(grads))).toContain(SGD_UPDATE);
      tf.dispose([w, ...grads.values()]);
      sgd.dispose();
    },
  );

  it.each([
    { classes: 21, denominator: undefined },
    { classes: 21, denominator: 500 },
    { classes: 8, denominator: undefined },
    { classes: 3, denominator: 0 },
  ])(
    'softmaxCrossEntropy and its gradient ($classes classes, denominator $denominator) match cpu',
    async ({ classes, denominator }) => {
      const shape = [2, 5, 7];
      const size = 2 * 5 * 7;
      const logits = seededValues(size * classes, 60).map((v) => 8 * v);
      // Every class, the ignore label (255), and labels outside the classes, which count as ignored.
      const labels = Int32Array.from({ length: size }, (_, i) =>
        i % 9 === 0 ? 255 : i % 11 === 0 ? classes + 2 : i % classes,
      );
      const compute = () => {
        const x = tf.tensor4d(logits, [...shape, classes] as [number, number, number, number]);
        const y = tf.tensor3d(labels, shape as [number, number, number], 'int32');
        const options = denominator === undefined ? {} : { denominator };
        const { value, grad } = tf.valueAndGrad((v: tf.Tensor) =>
          tf.mul(softmaxCrossEntropy(v as tf.Tensor4D, y, options), 3),
        )(x);
        return [value, grad];
      };
      const { cpu, wasm } = await onBoth(compute);
      expect(relativeError(wasm[0]!, cpu[0]!), 'loss').toBeLessThan(1e-6);
      expect(relativeError(wasm[1]!, cpu[1]!), 'gradient').toBeLessThan(1e-6);
      expect(wasm[0]![0]).toBeGreaterThan(0);
      const called = await kernelsCalled(() => {
        const x = tf.zeros([1, 2, 2, classes]) as tf.Tensor4D;
        softmaxCrossEntropy(x, tf.zeros([1, 2, 2], 'int32') as tf.Tensor3D);
      });
      expect(called).toContain(SOFTMAX_CROSS_ENTROPY);
    },
  );

  it('softmaxCrossEntropy with no labelled pixel is 0 with a zero gradient', async () => {
    const { wasm } = await onBoth(() => {
      const x = tf.tensor4d(seededValues(2 * 3 * 21, 61), [1, 2, 3, 21]);
      const y = tf.fill([1, 2, 3], 255, 'int32') as tf.Tensor3D;
      const { value, grad } = tf.valueAndGrad((v: tf.Tensor) => softmaxCrossEntropy(v as tf.Tensor4D, y))(x);
      return [value, grad];
    });
    expect(wasm[0]![0]).toBe(0);
    expect(wasm[1]!.every((v) => v === 0)).toBe(true);
  });

  it.each([8, 6])(
    'BatchNorm2d (%i channels) trains like the tfjs ops on cpu: output, running stats, gradients',
    async (c) => {
      const shape = [2, 5, 7, c] as [number, number, number, number];
      const size = tf.util.sizeFromShape(shape);
      const xValues = seededValues(size, 70).map((v, i) => 3 * v + (i % c));
      const up = seededValues(size, 71);
      const compute = () => {
        const bn = new BatchNorm2d(c);
        bn.weight.assign(tf.tensor1d(seededValues(c, 72)));
        bn.bias.assign(tf.tensor1d(seededValues(c, 73)));
        const x = tf.tensor4d(xValues, shape);
        const upstream = tf.tensor4d(up, shape);
        let y: tf.Tensor | undefined;
        const dx = tf.grad((v: tf.Tensor) => {
          y = tf.keep(bn.forward(v));
          return tf.sum(tf.mul(y, upstream));
        })(x);
        const { grads } = tf.variableGrads(
          () => tf.sum(tf.mul(bn.forward(x), upstream)) as tf.Scalar,
          [bn.weight, bn.bias],
        );
        const out = [
          y!,
          dx,
          grads[bn.weight.name]!,
          grads[bn.bias.name]!,
          bn.runningMean.clone(),
          bn.runningVar.clone(),
        ];
        bn.dispose();
        return out;
      };
      const { cpu, wasm } = await onBoth(compute);
      const names = ['y', 'dx', 'dGamma', 'dBeta', 'running mean', 'running var'];
      for (const [i, values] of wasm.entries()) {
        expect(relativeError(values, cpu[i]!), names[i]).toBeLessThan(1e-5);
      }
      const called = await kernelsCalled(() => {
        const bn = new BatchNorm2d(c);
        tf.grad((v: tf.Tensor) => tf.sum(bn.forward(v)))(tf.ones(shape));
        bn.dispose();
      });
      expect(called).toContain(BATCH_NORM_TRAIN);
      expect(called).toContain(BATCH_NORM_TRAIN_GRAD);
    },
  );

  it('Exp matches cpu to about an ulp, with +Infinity, NaN and underflow at the edges', async () => {
    const values = Float32Array.from([
      ...seededValues(1001, 80).map((v) => 80 * v),
      0,
      -0,
      1,
      88.7,
      88.8,
      -86.9,
      -120,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
    const { cpu, wasm } = await onBoth(() => [tf.exp(tf.tensor1d(values))]);
    const [got, want] = [wasm[0]!, cpu[0]!];
    for (let i = 0; i < values.length; i++) {
      const w = want[i]!;
      if (Number.isNaN(w)) expect(got[i], `exp(${values[i]})`).toBeNaN();
      else if (!Number.isFinite(w)) expect(got[i], `exp(${values[i]})`).toBe(w);
      else if (w < 1e-37) expect(Math.abs(got[i]! - w), `exp(${values[i]})`).toBeLessThan(1e-37);
      else expect(Math.abs(got[i]! - w) / w, `exp(${values[i]})`).toBeLessThan(2.5e-7);
    }
    expect(got.at(-2)).toBe(Number.POSITIVE_INFINITY);
    expect(got.at(-1)).toBe(0);
    const ints = tf.tensor1d([0, 1, 2], 'int32');
    const e = tf.exp(ints);
    expect(e.dtype).toBe('float32');
    expect(
      relativeError((await e.data()) as Float32Array, Float32Array.from([1, Math.E, Math.exp(2)])),
    ).toBeLessThan(1e-6);
    tf.dispose([ints, e]);
  });
});
