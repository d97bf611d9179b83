import { fcn, torchvisionFcn } from '@fcn/models';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { batchGradients } from './accumulate.js';
import { estimateTrainingMemory, parameterMemory } from './memory-estimate.js';
import { fcnParamGroups } from './param-groups.js';

describe('estimateTrainingMemory', () => {
  it.each([
    ['32s', 2, [32, 64]],
    ['8s', 2, [64, 64]],
  ] as const)(
    'is above the measured peak of a training step on the cpu backend, but not wildly (FCN-%s, batch %i, %j)',
    async (variant, n, crop) => {
      const model = fcn({ trunk: { arch: 'resnet18', width: 4 }, numClasses: 3, variant, seed: 1 });
      const params = fcnParamGroups(model).flatMap((g) => g.params);
      const x = tf.randomUniform([n, crop[0], crop[1], 3], -1, 1, 'float32', 1) as tf.Tensor4D;
      const y = tf.randomUniform([n, crop[0], crop[1]], 0, 3, 'int32', 2) as tf.Tensor3D;
      const before = tf.memory().numBytes;
      const profile = await tf.profile(async () => {
        const out = await batchGradients(model, params, x, y, { numClasses: 3 });
        for (const g of out.grads.values()) g.dispose();
      });
      const measured = profile.peakBytes - before;
      const estimated =
        n * estimateTrainingMemory(model.config, crop).bytes + parameterMemory(model.numParameters());
      expect(estimated).toBeGreaterThan(measured);
      expect(estimated).toBeLessThan(3 * measured);
      tf.dispose([x, y]);
      model.dispose();
    },
  );

  it('holds for a torchvision FCN trained with its aux head too (whose parameters then get gradients)', {
    timeout: 300_000,
  }, async () => {
    const model = torchvisionFcn({ blocks: [1, 1, 1, 1], numClasses: 3, aux: true, seed: 1 });
    const params = fcnParamGroups(model, { trunkPrefix: model.trunkPrefix }).flatMap((g) => g.params);
    const crop = [16, 24] as const;
    const x = tf.randomUniform([1, ...crop, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
    const y = tf.randomUniform([1, ...crop], 0, 3, 'int32', 2) as tf.Tensor3D;
    const before = tf.memory().numBytes;
    let auxGradient = false;
    const profile = await tf.profile(async () => {
      const out = await batchGradients(model, params, x, y, { numClasses: 3, auxLossWeight: 0.5 });
      auxGradient = out.grads.has('aux_classifier.4.weight');
      for (const g of out.grads.values()) g.dispose();
    });
    expect(auxGradient).toBe(true);
    const measured = profile.peakBytes - before;
    const estimated =
      estimateTrainingMemory(model.config, crop).bytes + parameterMemory(model.numParameters());
    expect(estimated).toBeGreaterThan(measured);
    expect(estimated).toBeLessThan(3 * measured);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('grows with the crop and the class count', () => {
    const small = fcn({ trunk: { arch: 'resnet18', width: 8 }, numClasses: 3, seed: 1 });
    const wide = fcn({ trunk: { arch: 'resnet18', width: 8 }, numClasses: 21, seed: 1 });
    const at = (m: typeof small, crop: [number, number]) => estimateTrainingMemory(m.config, crop).bytes;
    expect(at(small, [64, 96])).toBeLessThan(at(small, [128, 96]));
    expect(at(small, [64, 96])).toBeLessThan(at(wide, [64, 96]));
    expect(() => at(small, [0, 96])).toThrow(/crop must be positive/);
    small.dispose();
    wide.dispose();
  });
});
