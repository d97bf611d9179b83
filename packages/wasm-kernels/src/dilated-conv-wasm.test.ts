import { readFileSync } from 'node:fs';
import { Conv2d, dilatedConv2d } from '@fcn/layers';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { relativeError, useWasmWithTrainingKernels } from './testing/compare-backends.js';

/**
 * @fcn/layers' dilated convolutions trained on wasm (XNNPACK Conv2D with dilation, and with stride, for
 * dW), checked against the PyTorch cases that @fcn/layers commits (made by its
 * scripts/make_dilated_fixtures.py; PyTorch layouts NCHW/OIHW, turned to NHWC/HWIO here).
 */
const fixture = new URL('../../layers/fixtures/dilated-conv2d.json', import.meta.url);

interface Stored {
  shape: number[];
  data: string;
}
type Key = 'x' | 'w' | 'b' | 'dy' | 'y' | 'dx' | 'dw' | 'db';
interface Case {
  name: string;
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  x: Stored;
  w: Stored;
  b: Stored;
  dy: Stored;
  y: Stored;
  dx: Stored;
  dw: Stored;
  db: Stored;
}

const cases = (JSON.parse(readFileSync(fixture, 'utf8')) as { cases: Case[] }).cases;
const nchwToNhwc = [0, 2, 3, 1];
const oihwToHwio = [2, 3, 1, 0];
const layout: Record<Key, number[] | null> = {
  x: nchwToNhwc,
  dy: nchwToNhwc,
  y: nchwToNhwc,
  dx: nchwToNhwc,
  w: oihwToHwio,
  dw: oihwToHwio,
  b: null,
  db: null,
};

/** A stored tensor in our layout (a tensor the caller disposes). */
function ours(c: Case, key: Key): tf.Tensor {
  const { shape, data } = c[key];
  const bytes = Buffer.from(data, 'base64');
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const perm = layout[key];
  return tf.tidy(() => (perm ? tf.transpose(tf.tensor(values, shape), perm) : tf.tensor(values, shape)));
}

function expectClose(actual: tf.Tensor, c: Case, key: Key): void {
  const expected = ours(c, key);
  expect(actual.shape, key).toEqual(expected.shape);
  const error = relativeError(actual.dataSync() as Float32Array, expected.dataSync() as Float32Array);
  expect(error, key).toBeLessThan(1e-4);
  expected.dispose();
}

describe('dilated convolutions on wasm with the training kernels, against PyTorch', () => {
  beforeAll(useWasmWithTrainingKernels);

  it('reads the fixture cases, torchvision dilations among them', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(cases.length).toBeGreaterThanOrEqual(20);
    expect(cases.some((c) => c.dilation[0] === 2 && c.stride[0] === 1 && c.padding[0] === 2)).toBe(true);
  });

  it.each(cases)('dilatedConv2d: y, dX, dW: $name', (c) => {
    const x = ours(c, 'x') as tf.Tensor4D;
    const w = ours(c, 'w') as tf.Tensor4D;
    const b = ours(c, 'b');
    const dy = ours(c, 'dy');
    const conv = (xv: tf.Tensor, wv: tf.Tensor) => dilatedConv2d(xv as tf.Tensor4D, wv as tf.Tensor4D, c);
    const y = tf.tidy(() => tf.add(conv(x, w), b));
    const [dx, dw] = tf.grads((xv: tf.Tensor, wv: tf.Tensor) => tf.sum(tf.mul(conv(xv, wv), dy)))([x, w]);
    expectClose(y, c, 'y');
    expectClose(dx!, c, 'dx');
    expectClose(dw!, c, 'dw');
    tf.dispose([x, w, b, dy, y, dx!, dw!]);
  });

  it.each(cases)('Conv2d with bias: y and all gradients: $name', (c) => {
    const w = ours(c, 'w');
    const [kh, kw, inChannels, outChannels] = w.shape as [number, number, number, number];
    const layer = new Conv2d(inChannels, outChannels, [kh, kw], {
      stride: c.stride,
      padding: c.padding,
      dilation: c.dilation,
      weightInit: () => w,
    });
    const b = ours(c, 'b');
    layer.bias!.assign(b);
    const input = tf.variable(ours(c, 'x'));
    const dy = ours(c, 'dy');
    const y = layer.forward(input);
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.mul(layer.forward(input), dy)),
      [input, layer.weight, layer.bias!],
    );
    expectClose(y, c, 'y');
    expectClose(grads[input.name]!, c, 'dx');
    expectClose(grads[layer.weight.name]!, c, 'dw');
    expectClose(grads[layer.bias!.name]!, c, 'db');
    tf.dispose([b, input, dy, y, value, ...Object.values(grads)]);
    layer.dispose();
  });

  it('keeps tensors and wasm buffers flat over SGD steps of torchvision-style dilated convs', () => {
    const x = tf.randomNormal([2, 12, 13, 4], 0, 1, 'float32', 31);
    const layers = [
      new Conv2d(4, 6, 3, { padding: 2, dilation: 2, seed: 32 }),
      new Conv2d(6, 6, 3, { padding: 4, dilation: 4, seed: 33 }),
      new Conv2d(6, 3, 3, { stride: 2, padding: 2, dilation: 2, seed: 34 }),
      new Conv2d(3, 2, 3, { stride: 2, padding: 3, dilation: 3, bias: false, seed: 35 }),
    ];
    const weights = layers.flatMap((layer) => layer.trainableParameters());
    const step = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const out = layers.reduce((h: tf.Tensor, layer) => tf.relu(layer.forward(h)), x);
          return tf.mean(tf.square(tf.sub(out, 0.5))) as tf.Scalar;
        }, weights);
        for (const weight of weights) weight.assign(tf.sub(weight, tf.mul(grads[weight.name]!, 0.05)));
        return value.dataSync()[0]!;
      });
    const firstLoss = step();
    const backend = tf.backend() as BackendWasm;
    const tensors = tf.memory().numTensors;
    const buffers = backend.numDataIds();
    const losses = [step(), step(), step()];
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds(), 'wasm buffers, kernel intermediates included').toBe(buffers);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[2]!).toBeLessThan(firstLoss);
    x.dispose();
    for (const layer of layers) layer.dispose();
  });
});
