import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { resnetState, valueAt } from '../../test/pytorch-files.js';
import { fcn } from '../fcn.js';
import { resnet18Trunk, resnet34Trunk } from '../resnet.js';
import { float32Tensor } from '../safetensors/dtypes.js';
import { readSafetensors } from '../safetensors/read.js';
import { writeSafetensors } from '../safetensors/write.js';
import { loadWeights, saveWeights } from '../weights.js';

/** Element [o, i, kh, kw] of a PyTorch OIHW tensor of the given shape, as the test file wrote it. */
const oihw = (key: string, [, I, KH, KW]: number[], o: number, i: number, kh: number, kw: number) =>
  valueAt(key, ((o * I! + i) * KH! + kh) * KW! + kw);

describe('torchvision ResNet state dicts', () => {
  it('load into the trunk of an FCN: OIHW -> HWIO, BN statistics in place, fc and counters ignored', () => {
    const width = 4;
    const file = writeSafetensors(resnetState(width));
    const model = fcn({ numClasses: 3, trunk: { arch: 'resnet18', width }, seed: 1 });
    const headBefore = Array.from(model.finalConv.weight.dataSync());
    const report = loadWeights(model, file);
    expect(report.format).toBe('torchvision');
    expect(report.ignored).toContain('fc.weight');
    expect(report.ignored).toContain('fc.bias');
    expect(report.ignored).toContain('layer3.1.bn2.num_batches_tracked');
    expect(report.ignored).toHaveLength(2 + 20);

    // The stem: a 7x7 kernel, read back element by element from [kh, kw, in, out].
    const stem = model.trunk.conv1.weight.arraySync() as number[][][][];
    const shape = [width, 3, 7, 7];
    let checked = 0;
    for (let o = 0; o < width; o++)
      for (let i = 0; i < 3; i++)
        for (let kh = 0; kh < 7; kh++)
          for (let kw = 0; kw < 7; kw++) {
            expect(stem[kh]![kw]![i]![o]).toBe(oihw('conv1.weight', shape, o, i, kh, kw));
            checked++;
          }
    expect(checked).toBe(width * 3 * 49);
    // The kernel really is not symmetric: a transposition mistake would show.
    expect(stem[0]![1]![0]![0]).not.toBe(stem[1]![0]![0]![0]);

    // A strided downsample 1x1 conv: [c_out=8, c_in=4, 1, 1] -> [1, 1, 4, 8].
    const down = model.trunk.stateDict().get('layer2.0.downsample.0.weight')!;
    expect(down.shape).toEqual([1, 1, 4, 8]);
    const d = down.arraySync() as number[][][][];
    expect(d[0]![0]![3]![5]).toBe(oihw('layer2.0.downsample.0.weight', [8, 4, 1, 1], 5, 3, 0, 0));

    // BatchNorm parameters and running statistics, vectors copied as they are.
    for (const key of ['layer4.1.bn2.running_mean', 'layer4.1.bn2.running_var', 'bn1.weight', 'bn1.bias']) {
      const values = Array.from(model.trunk.stateDict().get(key)!.dataSync());
      expect(values, key).toEqual(values.map((_, n) => valueAt(key, n)));
    }
    // The head keeps its own initialisation.
    expect(Array.from(model.finalConv.weight.dataSync())).toEqual(headBefore);
    model.dispose();
  });

  it('load into a bare trunk, and round-trip through the torchvision export', () => {
    const trunk = resnet18Trunk({ width: 2, seed: 2 });
    loadWeights(trunk, writeSafetensors(resnetState(2)));
    const model = fcn({ numClasses: 2, trunk, seed: 3 });
    const exported = readSafetensors(saveWeights(model, { format: 'torchvision' }));
    const original = resnetState(2);
    original.delete('fc.weight');
    original.delete('fc.bias');
    expect(new Set(exported.tensors.keys())).toEqual(new Set(original.keys()));
    for (const [key, raw] of original) {
      if (key.endsWith('num_batches_tracked')) continue;
      const out = exported.tensors.get(key)!;
      expect(out.shape, key).toEqual(raw.shape);
      expect(Array.from(out.data), key).toEqual(Array.from(raw.data));
    }
    model.dispose();
  });

  it('refuses a ResNet-18 file for a ResNet-34 trunk, naming the missing keys and their shapes', () => {
    const trunk = resnet34Trunk({ width: 2, seed: 4 });
    const before = Array.from(trunk.conv1.weight.dataSync());
    expect(() => loadWeights(trunk, writeSafetensors(resnetState(2)))).toThrow(
      /torchvision ResNet weights do not fit this ResNetTrunk: missing keys: 'layer1\.2\.conv1\.weight' \[2, 2, 3, 3\]/,
    );
    // Nothing was changed by the failed load.
    expect(Array.from(trunk.conv1.weight.dataSync())).toEqual(before);
    trunk.dispose();
  });

  it('refuses a wrong width with the key, the expected PyTorch shape and the shape found', () => {
    const model = fcn({ trunk: { arch: 'resnet18', width: 4 }, seed: 5 });
    expect(() => loadWeights(model, writeSafetensors(resnetState(2)))).toThrow(
      /'conv1\.weight': expected shape \[4, 3, 7, 7\], got \[2, 3, 7, 7\]/,
    );
    model.dispose();
  });

  it('refuses unexpected keys and non-float weights', () => {
    const extra = resnetState(2);
    extra.set('layer5.0.conv1.weight', float32Tensor(new Float32Array(4), [1, 1, 2, 2]));
    const trunk = resnet18Trunk({ width: 2, seed: 6 });
    expect(() => loadWeights(trunk, writeSafetensors(extra))).toThrow(
      /unexpected keys: 'layer5\.0\.conv1\.weight'/,
    );
    const ints = resnetState(2);
    ints.set('bn1.bias', { dtype: 'I32', shape: [2], data: new Uint8Array(8) });
    expect(() => loadWeights(trunk, writeSafetensors(ints))).toThrow(
      /'bn1\.bias': expected a float tensor, got I32/,
    );
    trunk.dispose();
  });

  it('accepts float16 weights, converting them to float32', () => {
    const half = new Map(
      [...resnetState(2)].map(([key, raw]) => {
        if (raw.dtype !== 'F32') return [key, raw];
        const f = new Float32Array(raw.data.slice().buffer);
        // 0.5 is exact in half precision: 0x3800.
        return [
          key,
          {
            dtype: 'F16' as const,
            shape: raw.shape,
            data: new Uint8Array(new Uint16Array(f.length).fill(0x3800).buffer),
          },
        ];
      }),
    );
    const trunk = resnet18Trunk({ width: 2, seed: 7 });
    loadWeights(trunk, writeSafetensors(half));
    expect(tf.max(tf.abs(tf.sub(trunk.conv1.weight, 0.5))).dataSync()[0]).toBe(0);
    trunk.dispose();
  });
});
