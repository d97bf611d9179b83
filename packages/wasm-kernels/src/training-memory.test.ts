/**
 * `@fcn/train`'s training-memory estimate against the peak of a real training step on wasm with the
 * fused kernels (what `fcn train` and `fcn bench` size their micro-batches for). The full-size
 * measurements (ResNet-18 FCN at 160x224, 320x480, 512x512) are in the train package's README.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { fcn } from '@fcn/models';
import { TrainingSession } from '@fcn/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmWithTrainingKernels } from './testing/compare-backends.js';

describe('the training-memory estimate on wasm', () => {
  beforeAll(useWasmWithTrainingKernels);

  it.each([
    { width: 32, crop: [128, 192], batch: 2 },
    { width: 16, crop: [192, 256], batch: 2 },
  ] as const)(
    'is within 25% above the peak of an SGD step (width $width, $crop, batch $batch)',
    async ({ width, crop, batch }) => {
      const model = fcn({ trunk: { arch: 'resnet18', width }, numClasses: 21, variant: '32s', seed: 1 });
      // The whole batch at once (no memory limit): the step `fcn train` takes, SGD with momentum.
      const session = new TrainingSession({ model, batchSize: batch, crop, lr: 0.1, momentum: 0.9 });
      const x = tf.randomUniform([batch, ...crop, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
      const y = tf.randomUniform([batch, ...crop], 0, 21, 'int32', 2) as tf.Tensor3D;
      // Whatever else is alive in this process is not the step's: count only the model, the optimiser's
      // momentum and the batch (which the estimate includes) among the bytes alive before.
      const own = (2 * model.numParameters() + x.size) * 4 + y.size * 4;
      const before = tf.memory().numBytes;
      const tensorsBefore = tf.memory().numTensors;
      const profile = await tf.profile(async () => {
        await session.step({ images: x, labels: y });
      });
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      const measured = profile.peakBytes - (before - own);
      expect(session.plan.sizes).toEqual([batch]);
      const estimated = session.estimatedStepBytes!;
      expect(estimated).toBeGreaterThanOrEqual(measured);
      expect(estimated).toBeLessThanOrEqual(1.25 * measured);
      tf.dispose([x, y]);
      session.dispose();
      model.dispose();
    },
  );
});
