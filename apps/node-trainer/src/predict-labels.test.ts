import { normalizeImage } from '@fcn/data';
import { fcn } from '@fcn/models';
import { predictWholeImage } from '@fcn/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { predictLabels } from './predict-labels.js';
import { startTestBackend } from './testing/run-cli.js';

beforeAll(startTestBackend);

describe('predictLabels', () => {
  it("gives the tensor path's classes while no image-sized tensor lives during the sweep", async () => {
    const model = fcn({ trunk: { arch: 'resnet18', width: 2 }, numClasses: 21, seed: 3 });
    const [height, width] = [90, 300];
    const image = {
      width,
      height,
      data: Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 131) % 256),
    };
    const before = tf.memory().numBytes;
    let most = 0;
    const labels = await predictLabels(model, image, [64, 64], () => {
      most = Math.max(most, tf.memory().numBytes - before);
    });
    // The float image would be 12 bytes a pixel (324 KB): between windows, nothing near that lives.
    expect(most).toBeLessThan(width * height * 3);
    const x = tf.tensor3d(normalizeImage(image.data), [height, width, 3]);
    const expected = await predictWholeImage(model, x, { window: [64, 64] });
    expect(Array.from(labels.data)).toEqual(Array.from(await expected.data()));
    tf.dispose([x, expected]);
    model.dispose();
  });
});
