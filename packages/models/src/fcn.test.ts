import { bilinearKernel } from '@fcn/init';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FCN_VARIANTS, fcn } from './fcn.js';
import { resnet18Trunk } from './resnet.js';

const TRUNK = 11_176_512;
const score = (inC: number, classes = 21) => inC * classes + classes;
const upsample = (k: number, classes = 21) => k * k * classes * classes + classes;

describe('FCN', () => {
  it('counts parameters: trunk + 1x1 scores + transposed convs, for each variant', () => {
    const trunk = resnet18Trunk({ seed: 1 });
    const counts = FCN_VARIANTS.map((variant) => fcn({ variant, trunk, seed: 2 }).numParameters());
    // 32s: the chapter's net, 1x1 conv 512 -> 21 and k=64 transposed conv.
    expect(counts[0]).toBe(TRUNK + score(512) + upsample(64));
    expect(counts[0]).toBe(12_993_642);
    // 16s: + 1x1 on layer3 (256 ch), one 2x upsampler (k=4), final k=32.
    expect(counts[1]).toBe(TRUNK + score(512) + score(256) + upsample(4) + upsample(32));
    // 8s: + 1x1 on layer2 (128 ch), a second 2x upsampler, final k=16.
    expect(counts[2]).toBe(TRUNK + score(512) + score(256) + score(128) + 2 * upsample(4) + upsample(16));
    trunk.dispose();
  });

  it('outputs N x H x W x classes at full width for 64x96 input, each variant', () => {
    const trunk = resnet18Trunk({ seed: 3 });
    const x = tf.randomUniform([1, 64, 96, 3], 0, 1, 'float32', 4);
    for (const variant of FCN_VARIANTS) {
      const model = fcn({ variant, trunk, seed: 5 }).eval();
      const before = tf.memory().numTensors;
      const y = model.forward(x);
      expect(y.shape).toEqual([1, 64, 96, 21]);
      // Every intermediate is freed: only the logits are new.
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(Number.isFinite(tf.max(tf.abs(y)).dataSync()[0])).toBe(true);
      y.dispose();
    }
    trunk.dispose();
  });

  it('outputs 1 x 320 x 480 x 21 for the chapter crop, each variant (narrow trunk, same strides)', () => {
    const x = tf.randomUniform([1, 320, 480, 3], 0, 1, 'float32', 6);
    for (const variant of FCN_VARIANTS) {
      const model = fcn({ variant, trunk: { arch: 'resnet18', width: 4 }, seed: 7 }).eval();
      expect(model.forward(x).shape).toEqual([1, 320, 480, 21]);
      model.dispose();
    }
  });

  it('names its layers for the state dict; 32s matches the chapter head', () => {
    const keysOf = (variant: '32s' | '16s' | '8s') =>
      [
        ...fcn({ variant, trunk: { arch: 'resnet18', width: 2 }, seed: 1 })
          .stateDict()
          .keys(),
      ].filter((k) => !k.startsWith('trunk.'));
    expect(keysOf('32s')).toEqual([
      'final_conv.weight',
      'final_conv.bias',
      'transpose_conv.weight',
      'transpose_conv.bias',
    ]);
    expect(keysOf('8s')).toEqual([
      'final_conv.weight',
      'final_conv.bias',
      'score_layer3.weight',
      'score_layer3.bias',
      'upscore_layer4.weight',
      'upscore_layer4.bias',
      'score_layer2.weight',
      'score_layer2.bias',
      'upscore_layer3.weight',
      'upscore_layer3.bias',
      'transpose_conv.weight',
      'transpose_conv.bias',
    ]);
  });

  it('starts upsamplers bilinear (k = 2s), scores Xavier, biases 0', () => {
    const model = fcn({ variant: '8s', numClasses: 5, trunk: { arch: 'resnet18', width: 8 }, seed: 8 });
    const same = (a: tf.Tensor, b: tf.Tensor) =>
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    same(model.transposeConv.weight, bilinearKernel(5, 5, 16));
    same(model.upscoreLayer4!.weight, bilinearKernel(5, 5, 4));
    same(model.upscoreLayer3!.weight, bilinearKernel(5, 5, 4));
    expect(model.transposeConv.stride).toEqual([8, 8]);
    expect(model.transposeConv.padding).toEqual([4, 4]);
    for (const layer of [model.finalConv, model.scoreLayer2!, model.transposeConv]) {
      expect(Array.from(layer.bias!.dataSync())).toEqual(Array.from({ length: 5 }, () => 0));
    }
    // MXNet init.Xavier(): U(±sqrt(3 / ((fanIn + fanOut) / 2))), 64 -> 5 channels.
    const limit = Math.sqrt(3 / ((64 + 5) / 2));
    const w = Array.from(model.finalConv.weight.dataSync(), Math.abs);
    expect(Math.max(...w)).toBeLessThanOrEqual(limit);
    expect(Math.max(...w)).toBeGreaterThan(0.9 * limit);
    model.dispose();
  });

  it("init: 'xavier' starts the upsampler from Xavier instead (the chapter's second exercise)", () => {
    const model = fcn({ numClasses: 3, init: 'xavier', trunk: { arch: 'resnet18', width: 2 }, seed: 9 });
    const w = model.transposeConv.weight.dataSync();
    // Fans of a [64, 64, 3, 3] transposed-conv filter: 3 * 64 * 64 each way.
    const limit = Math.sqrt(3 / (3 * 64 * 64));
    let sq = 0;
    for (const v of w) sq += v * v;
    expect(Math.sqrt(sq / w.length)).toBeCloseTo(limit / Math.sqrt(3), 3);
    expect(Array.from(w)).not.toEqual(Array.from(bilinearKernel(3, 3, 64).dataSync()));
    expect(model.config.upsampleInit).toBe('xavier');
    model.dispose();
  });

  it('wires the skips: with coarser scores zeroed, 8s is the upsampled stride-8 score alone', () => {
    const model = fcn({
      variant: '8s',
      numClasses: 4,
      trunk: { arch: 'resnet18', width: 4 },
      seed: 10,
    }).eval();
    const x = tf.randomUniform([1, 64, 64, 3], 0, 1, 'float32', 11);
    const full = model.forward(x);
    for (const layer of [model.finalConv, model.scoreLayer3!]) {
      layer.weight.assign(tf.zerosLike(layer.weight));
    }
    const [, s8] = model.trunk.forwardStages(x);
    const expected = model.transposeConv.forward(model.scoreLayer2!.forward(s8));
    const got = model.forward(x);
    expect(Array.from(got.dataSync())).toEqual(Array.from(expected.dataSync()));
    expect(Array.from(got.dataSync())).not.toEqual(Array.from(full.dataSync()));
    model.dispose();
  });

  it('trains: every parameter of FCN-8s gets a gradient of its shape', () => {
    const model = fcn({ variant: '8s', numClasses: 3, trunk: { arch: 'resnet18', width: 2 }, seed: 12 });
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 13);
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(model.forward(x))) as tf.Scalar);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    for (const [name, v] of model.namedParameters()) {
      expect(grads[v.name]?.shape, name).toEqual(v.shape);
    }
    const skipGrad = tf.max(tf.abs(grads[model.scoreLayer2!.weight.name]!)).dataSync()[0]!;
    expect(skipGrad).toBeGreaterThan(0);
    model.dispose();
  });

  it('refuses input sides that are not multiples of 32 for the skip variants, and bad options', () => {
    const model = fcn({ variant: '16s', trunk: { arch: 'resnet18', width: 2 }, seed: 14 });
    expect(() => model.forward(tf.zeros([1, 48, 64, 3]))).toThrow(
      /FCN-16s needs .* multiples of 32, got 48x64/,
    );
    model.dispose();
    expect(() => fcn({ numClasses: 0 })).toThrow(/numClasses must be a positive integer/);
    expect(() => fcn({ variant: '4s' as '8s' })).toThrow(/unknown FCN variant '4s'/);
    expect(() => fcn({ numClasses: 2, classNames: ['a'] })).toThrow(/1 class names given for 2 classes/);
  });

  it('records its config', () => {
    const model = fcn({ numClasses: 2, classNames: ['bg', 'cat'], trunk: 'resnet34', seed: 15 });
    expect(model.config).toEqual({
      trunk: { arch: 'resnet34', width: 64 },
      variant: '32s',
      numClasses: 2,
      upsampleInit: 'bilinear',
      classNames: ['bg', 'cat'],
    });
    model.dispose();
  });
});
