import { describe, expect, it } from 'vitest';
import { classNamesOf, describeArchitecture, formatCount, modelCard } from './model-card.js';

const torchvision = (blocks: number[], aux: boolean) => ({
  kind: 'torchvision-fcn' as const,
  backbone: { arch: blocks.join() === '3,4,6,3' ? 'resnet50' : 'custom', blocks },
  numClasses: 21,
  aux,
});

describe('model card', () => {
  it("describes torchvision's FCN-ResNet50 as its layout, stride and size", () => {
    expect(describeArchitecture(torchvision([3, 4, 6, 3], true), 35_322_218, 'PyTorch .pth')).toEqual({
      title: 'FCN-ResNet50 (torchvision)',
      architecture:
        'FCN-ResNet50, torchvision layout (PyTorch .pth), output stride 8, auxiliary head, 35.3M parameters',
    });
    expect(describeArchitecture(torchvision([1, 1, 1, 1], false), 9_876_543).architecture).toBe(
      'FCN on a Bottleneck ResNet with 1-1-1-1 blocks, torchvision layout, output stride 8, 9.9M parameters',
    );
  });

  it('describes a d2l FCN by variant, trunk and stride', () => {
    const config = { trunk: { arch: 'resnet18', width: 16 }, variant: '8s', numClasses: 6 };
    expect(describeArchitecture(config, 1_234_567, 'fcn.ts').architecture).toBe(
      'FCN-8s on a ResNet-18 trunk of width 16, fcn.ts layout, output stride 8, 1.2M parameters',
    );
    expect(describeArchitecture({ ...config, variant: '32s' }, 1_234_567, 'PyTorch .pth').architecture).toBe(
      'FCN-32s on a ResNet-18 trunk of width 16, d2l PyTorch layout (.pth), output stride 32, 1.2M parameters',
    );
  });

  it('names the classes: the model’s own, VOC’s for 21, numbered otherwise', () => {
    expect(classNamesOf({ ...torchvision([3, 4, 6, 3], false) })[0]).toBe('background');
    expect(classNamesOf({ ...torchvision([3, 4, 6, 3], false) })[20]).toBe('tv/monitor');
    const named = {
      trunk: { arch: 'resnet18', width: 4 },
      variant: '32s',
      numClasses: 2,
      classNames: ['a', 'b'],
    };
    expect(classNamesOf(named)).toEqual(['a', 'b']);
    expect(classNamesOf({ ...named, classNames: undefined, numClasses: 3 })).toEqual([
      'class 0',
      'class 1',
      'class 2',
    ]);
  });

  it('formats parameter counts', () => {
    expect([formatCount(35_322_218), formatCount(412_345), formatCount(950)]).toEqual([
      '35.3M',
      '412K',
      '950',
    ]);
  });

  it('carries published metrics when there are some', () => {
    const card = modelCard({
      config: torchvision([3, 4, 6, 3], true),
      numParameters: 35_322_218,
      source: 'file fcn_resnet50_coco-1167a1af.pth',
      published: { name: 'torchvision fcn_resnet50', metrics: ['mIoU 60.5', 'pixel accuracy 91.4'] },
    });
    expect(card.published?.metrics).toEqual(['mIoU 60.5', 'pixel accuracy 91.4']);
    expect(card.classes).toHaveLength(21);
    expect(card.warning).toBe(false);
  });
});
