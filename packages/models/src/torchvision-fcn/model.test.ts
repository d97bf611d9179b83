import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { fileShape } from '../formats/state-transfer.js';
import type { Bottleneck } from './bottleneck.js';
import { torchvisionFcnShapes } from './config.js';
import { TorchvisionFCN, torchvisionFcn } from './model.js';

/** A small model: one block per stage (full width, as torchvision's), 3 classes. */
const small = (aux: boolean, seed = 1) => torchvisionFcn({ blocks: [1, 1, 1, 1], numClasses: 3, aux, seed });

describe('TorchvisionFCN', () => {
  it('exposes config, numClasses, trunk, trunkPrefix and outputStride', () => {
    const model = small(true);
    expect(model.config).toEqual({
      kind: 'torchvision-fcn',
      backbone: { arch: 'custom', blocks: [1, 1, 1, 1] },
      numClasses: 3,
      aux: true,
    });
    expect(model.numClasses).toBe(3);
    expect(model.trunk).toBe(model.backbone);
    expect(model.trunkPrefix).toBe('backbone.');
    expect(model.outputStride).toBe(8);
    expect([...model.stateDict().keys()].filter((k) => k.startsWith(model.trunkPrefix))).toEqual(
      [...model.trunk.stateDict().keys()].map((k) => model.trunkPrefix + k),
    );
    model.dispose();
  });

  it("holds exactly torchvision's keys and shapes (PyTorch layout), aux head or not", () => {
    for (const aux of [true, false]) {
      const model = small(aux);
      const ours = new Map([...model.stateDict()].map(([k, v]) => [k, fileShape(v.shape, 'pytorch')]));
      expect(ours).toEqual(torchvisionFcnShapes(model.config));
      expect(ours.has('aux_classifier.4.bias')).toBe(aux);
      expect(ours.get('classifier.0.weight')).toEqual([512, 2048, 3, 3]);
      expect(ours.get('classifier.4.weight')).toEqual([3, 512, 1, 1]);
      model.dispose();
    }
  });

  it("counts torchvision's parameters: fcn_resnet50 35,322,218 and fcn_resnet101 54,314,346 (with aux)", () => {
    const count = (arch: 'resnet50' | 'resnet101') => {
      const shapes = torchvisionFcnShapes({
        kind: 'torchvision-fcn',
        backbone: { arch, blocks: arch === 'resnet50' ? [3, 4, 6, 3] : [3, 4, 23, 3] },
        numClasses: 21,
        aux: true,
      });
      let n = 0;
      for (const [key, shape] of shapes)
        if (!/running_(mean|var)$/.test(key)) n += shape.reduce((a, b) => a * b, 1);
      return n;
    };
    // torchvision's FCN_ResNet50_Weights / FCN_ResNet101_Weights meta num_params.
    expect(count('resnet50')).toBe(35_322_218);
    expect(count('resnet101')).toBe(54_314_346);
  });

  it('gives logits at the input size for any height and width, freeing its intermediates', () => {
    const model = small(true).eval();
    for (const [h, w] of [
      [19, 23],
      [16, 16],
    ] as const) {
      const x = tf.randomNormal([2, h, w, 3], 0, 1, 'float32', h);
      const before = tf.memory().numTensors;
      const y = model.forward(x);
      expect(y.shape).toEqual([2, h, w, 3]);
      const { out, aux } = model.forwardWithAux(x);
      expect(tf.memory().numTensors).toBe(before + 3);
      expect(aux.shape).toEqual([2, h, w, 3]);
      expect(tf.max(tf.abs(tf.sub(out, y))).dataSync()[0]).toBe(0);
      tf.dispose([x, y, out, aux]);
    }
    expect(() => model.forward(tf.zeros([1, 16, 16, 1]))).toThrow(/3 channels/);
    model.dispose();
  });

  it('is seeded: the same seed builds the same weights, another seed others', () => {
    const a = small(false, 5);
    const b = small(false, 5);
    const c = small(false, 6);
    const maxDiff = (m: TorchvisionFCN, key: string) =>
      tf.tidy(() => tf.max(tf.abs(tf.sub(m.stateDict().get(key)!, a.stateDict().get(key)!))).dataSync()[0]);
    for (const key of ['backbone.layer4.0.conv2.weight', 'classifier.0.weight', 'classifier.4.bias']) {
      expect(maxDiff(b, key)).toBe(0);
      expect(maxDiff(c, key)).toBeGreaterThan(0);
    }
    for (const m of [a, b, c]) m.dispose();
  });

  it('refuses bad options and configs with a message naming the field', () => {
    expect(() => torchvisionFcn({ arch: 'resnet18' as never })).toThrow(/unknown backbone 'resnet18'/);
    expect(() => torchvisionFcn({ blocks: [1, 1, 1, 1], numClasses: 2, classNames: ['a'] })).toThrow(
      /1 class names given for 2 classes/,
    );
    expect(
      () =>
        new TorchvisionFCN({
          kind: 'torchvision-fcn',
          backbone: { arch: 'resnet50', blocks: [1, 1, 1, 1] },
          numClasses: 2,
          aux: false,
        }),
    ).toThrow(/backbone.arch should be 'custom' for blocks \[1,1,1,1\]/);
    expect(() => small(false).forwardWithAux(tf.zeros([1, 16, 16, 3]))).toThrow(/no aux_classifier/);
  });

  // Minutes, not seconds, on a busy 2-core machine: the cpu backend's filter gradients of 2048 channels.
  it('trains: a step with the aux loss through dilated convs, dropout and BatchNorm, tensor count flat', {
    timeout: 300_000,
  }, () => {
    // Full width (torchvision's), so a tiny input: the cpu backend's filter gradients are slow.
    const model = small(true, 7).train();
    const x = tf.randomNormal([1, 11, 13, 3], 0, 1, 'float32', 8);
    const labels = tf.oneHot(tf.randomUniform([1, 11, 13], 0, 3, 'int32', 9), 3);
    const crossEntropy = (logits: tf.Tensor) =>
      tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1)));
    // Dropout is live in training mode: two forwards differ.
    const [y1, y2] = [model.forward(x), model.forward(x)];
    expect(tf.max(tf.abs(tf.sub(y1, y2))).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([y1, y2]);

    const dilated = model.backbone.layers[3].at(0) as Bottleneck;
    expect(dilated.conv2.dilation).toEqual([2, 2]);
    const before = tf.memory().numTensors;
    const weightBefore = dilated.conv2.weight.dataSync().slice();
    const runningMean = model.classifier.bn.runningMean.dataSync().slice();
    const { value, grads } = tf.variableGrads(() => {
      const { out, aux } = model.forwardWithAux(x);
      return tf.add(crossEntropy(out), tf.mul(crossEntropy(aux), 0.5)) as tf.Scalar;
    }, model.trainableParameters());
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    expect(Object.keys(grads)).toHaveLength(model.trainableParameters().length);
    const dilatedGrad = tf.tidy(() => tf.max(tf.abs(grads[dilated.conv2.weight.name]!)).dataSync()[0]!);
    expect(dilatedGrad).toBeGreaterThan(0);
    tf.tidy(() => {
      for (const v of model.trainableParameters()) v.assign(tf.sub(v, tf.mul(grads[v.name]!, 0.01)));
    });
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(dilated.conv2.weight.dataSync())).not.toEqual(Array.from(weightBefore));
    expect(Array.from(model.classifier.bn.runningMean.dataSync())).not.toEqual(Array.from(runningMean));
    tf.dispose([x, labels]);
    model.dispose();
  });
});
