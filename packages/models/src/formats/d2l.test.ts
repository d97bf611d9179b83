import { describe, expect, it } from 'vitest';
import { d2lState, valueAt } from '../../test/pytorch-files.js';
import { fcn } from '../fcn.js';
import { readSafetensors } from '../safetensors/read.js';
import { writeSafetensors } from '../safetensors/write.js';
import { fromWeights, loadWeights, saveWeights } from '../weights.js';
import { d2lArch, d2lKey } from './d2l.js';

describe('d2l PyTorch FCN state dicts', () => {
  it('number the trunk children as nn.Sequential does', () => {
    expect(d2lKey('trunk.conv1.weight')).toBe('0.weight');
    expect(d2lKey('trunk.bn1.running_var')).toBe('1.running_var');
    expect(d2lKey('trunk.layer1.0.conv1.weight')).toBe('4.0.conv1.weight');
    expect(d2lKey('trunk.layer2.0.downsample.1.bias')).toBe('5.0.downsample.1.bias');
    expect(d2lKey('trunk.layer4.1.bn2.bias')).toBe('7.1.bn2.bias');
    expect(d2lKey('final_conv.weight')).toBe('final_conv.weight');
    expect(d2lKey('transpose_conv.bias')).toBe('transpose_conv.bias');
  });

  it('load into the right places: ConvTranspose2d (in, out, kh, kw) -> [kh, kw, out, in], OIHW -> HWIO', () => {
    const width = 2;
    const numClasses = 3;
    const model = fcn({ numClasses, trunk: { arch: 'resnet18', width }, seed: 1 });
    expect(loadWeights(model, writeSafetensors(d2lState(width, numClasses))).format).toBe('d2l');

    const up = model.transposeConv.weight.arraySync() as number[][][][];
    for (const [i, o, kh, kw] of [
      [0, 1, 0, 0],
      [1, 0, 0, 0],
      [2, 1, 5, 63],
      [1, 2, 63, 5],
    ] as const) {
      const flat = ((i * numClasses + o) * 64 + kh) * 64 + kw;
      expect(up[kh]![kw]![o]![i]).toBe(valueAt('transpose_conv.weight', flat));
    }
    // in/out and kh/kw swaps would read different values.
    expect(up[0]![0]![1]![0]).not.toBe(up[0]![0]![0]![1]);
    expect(up[5]![63]![1]![2]).not.toBe(up[63]![5]![1]![2]);

    const score = model.finalConv.weight.arraySync() as number[][][][];
    // final_conv.weight is (classes, 8 * width, 1, 1) -> [1, 1, 8 * width, classes].
    expect(score[0]![0]![13]![2]).toBe(valueAt('final_conv.weight', 2 * 16 + 13));
    const conv = model.trunk.stateDict().get('layer3.1.conv2.weight')!;
    const c = conv.arraySync() as number[][][][];
    // 6.1.conv2.weight: (8, 8, 3, 3); element [o=5, i=2, kh=0, kw=2].
    expect(c[0]![2]![2]![5]).toBe(valueAt('6.1.conv2.weight', ((5 * 8 + 2) * 3 + 0) * 3 + 2));
    expect(Array.from(model.trunk.bn1.runningVar.dataSync())).toEqual(
      [0, 1].map((n) => valueAt('1.running_var', n)),
    );
    expect(Array.from(model.transposeConv.bias!.dataSync())).toEqual(
      [0, 1, 2].map((n) => valueAt('transpose_conv.bias', n)),
    );
    model.dispose();
  });

  it('export exactly the keys, shapes and values of the PyTorch state dict (num_batches_tracked included)', () => {
    const state = d2lState(2, 3);
    const model = fromWeights(writeSafetensors(state));
    expect(model.config).toEqual({
      trunk: { arch: 'resnet18', width: 2 },
      variant: '32s',
      numClasses: 3,
      upsampleInit: 'bilinear',
    });
    const exported = readSafetensors(saveWeights(model, { format: 'd2l' }));
    expect(new Set(exported.tensors.keys())).toEqual(new Set(state.keys()));
    for (const [key, raw] of state) {
      const out = exported.tensors.get(key)!;
      expect(out.shape, key).toEqual(raw.shape);
      if (key.endsWith('num_batches_tracked')) expect(out.dtype).toBe('I64');
      else expect(Array.from(out.data), key).toEqual(Array.from(raw.data));
    }
    model.dispose();
  });

  it('refuses to load into FCN-16s/8s, and names a wrong class count', () => {
    const file = writeSafetensors(d2lState(2, 3));
    const eight = fcn({ variant: '8s', numClasses: 3, trunk: { arch: 'resnet18', width: 2 }, seed: 2 });
    expect(() => loadWeights(eight, file)).toThrow(
      /d2l PyTorch FCN layout holds an FCN-32s .* this model is FCN-8s/,
    );
    expect(() => saveWeights(eight, { format: 'd2l' })).toThrow(/this model is FCN-8s/);
    const wrong = fcn({ numClasses: 21, trunk: { arch: 'resnet18', width: 2 }, seed: 3 });
    expect(() => loadWeights(wrong, file)).toThrow(
      /'final_conv\.weight': expected shape \[21, 16, 1, 1\], got \[3, 16, 1, 1\]/,
    );
    eight.dispose();
    wrong.dispose();
  });

  it('tell ResNet-18 from ResNet-34 by the blocks per stage', () => {
    const keys = new Set([...d2lState(1, 1).keys()]);
    expect(d2lArch(keys)).toBe('resnet18');
    keys.delete('7.1.conv1.weight');
    expect(() => d2lArch(keys)).toThrow(
      /stages 4\.\.7 hold \[2,2,2,1\] blocks; expected \[2,2,2,2\] \(resnet18\)/,
    );
  });
});
