import { describe, expect, it } from 'vitest';
import { checkTorchvisionFcnConfig, describeTorchvisionFcn, torchvisionFcnShapes } from './config.js';

const good = {
  kind: 'torchvision-fcn',
  backbone: { arch: 'resnet101', blocks: [3, 4, 23, 3] },
  numClasses: 21,
  aux: true,
  classNames: Array.from({ length: 21 }, (_, i) => `c${i}`),
};

describe('TorchvisionFcnConfig', () => {
  it('accepts a good config (a clean copy) and describes it in one line', () => {
    const checked = checkTorchvisionFcnConfig(JSON.parse(JSON.stringify(good)));
    expect(checked).toEqual(good);
    expect(describeTorchvisionFcn(checked)).toBe(
      'torchvision FCN on resnet101 [3, 4, 23, 3], 21 classes, with aux head',
    );
  });

  it('refuses each bad field with a message naming it and its source', () => {
    const bad = (patch: Record<string, unknown>) => () =>
      checkTorchvisionFcnConfig({ ...good, ...patch }, "weight file metadata 'config'");
    expect(bad({ kind: 'fcn' })).toThrow(
      "weight file metadata 'config': kind should be 'torchvision-fcn', got \"fcn\"",
    );
    expect(bad({ backbone: { arch: 'resnet50', blocks: [3, 4, 6] } })).toThrow(
      /backbone\.blocks should be 4 positive/,
    );
    expect(bad({ backbone: { arch: 'resnet50', blocks: [3, 4, 23, 3] } })).toThrow(
      /backbone\.arch should be 'resnet101' for blocks \[3,4,23,3\]/,
    );
    expect(bad({ numClasses: 0 })).toThrow(/numClasses should be a positive integer/);
    expect(bad({ aux: 'yes' })).toThrow(/aux should be true or false/);
    expect(bad({ classNames: ['a'] })).toThrow(/classNames should be 21 strings/);
    expect(() => checkTorchvisionFcnConfig(null)).toThrow(/should be an object/);
  });

  it('lists the keys torchvision holds, downsample in each first block, FCNHead as 0, 1, 4', () => {
    const shapes = torchvisionFcnShapes({
      ...good,
      backbone: { arch: 'custom', blocks: [1, 1, 1, 2] },
      aux: false,
    } as never);
    expect(shapes.get('backbone.layer1.0.downsample.0.weight')).toEqual([256, 64, 1, 1]);
    expect(shapes.get('backbone.layer4.1.conv1.weight')).toEqual([512, 2048, 1, 1]);
    expect(shapes.has('backbone.layer4.1.downsample.0.weight')).toBe(false);
    expect(shapes.get('classifier.1.running_var')).toEqual([512]);
    expect(shapes.get('classifier.4.bias')).toEqual([21]);
    expect([...shapes.keys()].some((k) => k.startsWith('aux_classifier.'))).toBe(false);
  });
});
