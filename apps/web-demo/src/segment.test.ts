import '@tensorflow/tfjs-backend-cpu';
import { fcn } from '@fcn/models';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SegmentationModel } from './model-loader.js';
import { predictionPlan, segmentImage, TORCHVISION_WINDOW, WHOLE_IMAGE_MAX_PIXELS } from './segment.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A stand-in with a torchvision FCN's config: per-pixel logits, class = the red channel's sign. */
function fakeTorchvision(): SegmentationModel {
  const model = fcn({ numClasses: 2, trunk: { arch: 'resnet18', width: 2 }, seed: 0 });
  return Object.assign(Object.create(model), {
    config: { kind: 'torchvision-fcn', backbone: { arch: 'resnet50', blocks: [1, 1, 1, 1] }, numClasses: 2 },
    forward: (x: tf.Tensor4D) =>
      tf.concat(
        [tf.neg(tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, 1])), tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, 1])],
        3,
      ),
  }) as SegmentationModel;
}

describe('segmentation in the worker', () => {
  it('tiles a d2l FCN, runs a torchvision FCN at the image size up to its pixel budget', () => {
    const d2l = fcn({ numClasses: 21, trunk: { arch: 'resnet18', width: 2 }, seed: 0 });
    expect(predictionPlan(d2l, 451, 300)).toEqual({ kind: 'tiles', options: {} });
    const tv = fakeTorchvision();
    expect(predictionPlan(tv, 451, 300)).toEqual({ kind: 'whole' });
    expect(predictionPlan(tv, 1024, WHOLE_IMAGE_MAX_PIXELS / 1024)).toEqual({ kind: 'whole' });
    expect(predictionPlan(tv, 2048, 2048)).toEqual({
      kind: 'tiles',
      options: { window: TORCHVISION_WINDOW },
    });
    d2l.dispose();
  });

  it('segments at any size in one pass, reporting one step', async () => {
    const tv = fakeTorchvision();
    const [width, height] = [37, 23];
    const data = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++) data[i * 4] = i % 2 === 0 ? 250 : 10; // bright red on even pixels
    const steps: [number, number][] = [];
    const result = await segmentImage(tv, { width, height, data }, (d, t) => steps.push([d, t]));
    expect(steps).toEqual([[1, 1]]);
    expect([result.width, result.height, result.windows]).toEqual([width, height, 1]);
    expect(Array.from(result.labels.slice(0, 4))).toEqual([1, 0, 1, 0]);
  });

  it('tiles a d2l FCN with progress per window', async () => {
    const d2l = fcn({ numClasses: 21, trunk: { arch: 'resnet18', width: 2 }, seed: 0 });
    const [width, height] = [500, 32];
    const steps: number[] = [];
    const result = await segmentImage(
      d2l,
      { width, height, data: new Uint8ClampedArray(width * height * 4) },
      (d) => steps.push(d),
    );
    expect(result.windows).toBe(2);
    expect(steps).toEqual([1, 2]);
    expect(result.labels).toHaveLength(width * height);
    d2l.dispose();
  });
});
