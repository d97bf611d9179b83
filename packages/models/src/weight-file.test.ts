import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { d2lState, resnetState } from '../test/pytorch-files.js';
import { type FCN, fcn } from './fcn.js';
import { PthError } from './pytorch/errors.js';
import { readPth } from './pytorch/read.js';
import { readSafetensors, SafetensorsError } from './safetensors/read.js';
import { writeSafetensors } from './safetensors/write.js';
import { readWeightFile } from './weight-file.js';
import { fromWeights, loadWeights } from './weights.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'pth', name));

function expectSameState(a: FCN, b: FCN): void {
  const sa = a.stateDict();
  const sb = b.stateDict();
  expect([...sa.keys()]).toEqual([...sb.keys()]);
  for (const [key, v] of sa)
    expect(Array.from(v.dataSync()), key).toEqual(Array.from(sb.get(key)!.dataSync()));
}

function expectSameOutput(a: FCN, b: FCN): void {
  const x = tf.randomUniform([1, 64, 64, 3], -1, 1, 'float32', 5);
  const [ya, yb] = [a.eval().forward(x), b.eval().forward(x)];
  expect(Array.from(ya.dataSync())).toEqual(Array.from(yb.dataSync()));
  tf.dispose([x, ya, yb]);
}

describe('readWeightFile', () => {
  it('tells safetensors, zip .pth and legacy .pth apart by their first bytes', () => {
    const safetensors = fixture('module.expected.safetensors');
    expect(readWeightFile(safetensors)).toEqual(readSafetensors(safetensors));
    for (const name of ['module.pth', 'module-legacy.pth']) {
      const pth = readWeightFile(fixture(name));
      expect(pth).toEqual(readPth(fixture(name)));
      expect([...pth.tensors.keys()]).toEqual([...readSafetensors(safetensors).tensors.keys()]);
    }
    expect(() => readWeightFile(fixture('malicious.pth'))).toThrow(PthError);
    expect(() => readWeightFile(new Uint8Array(safetensors).subarray(0, 100))).toThrow(SafetensorsError);
  });

  it('names the accepted formats for anything else, in one line', () => {
    // A bare pickle (pickle.dump, not torch.save), a text file, an empty file.
    for (const bytes of [[0x80, 0x02, 0x7d, 0x2e], [...new TextEncoder().encode('hello world')], []]) {
      const read = () => readWeightFile(new Uint8Array(bytes));
      expect(read).toThrow(SafetensorsError);
      expect(read).toThrow(
        /^unrecognised weight file: expected safetensors \(.*\) or a PyTorch \.pth written by torch\.save \(.*\)$/,
      );
    }
  });
});

describe('loadWeights and fromWeights accept .pth files', () => {
  it('a torchvision ResNet-18 state dict saved by torch.save loads into a trunk as its safetensors twin does', () => {
    const pth = fixture('trunk.pth');
    const twin = resnetState(1, [2, 2, 2, 2], (name) => name, false);
    // The Python script wrote test/pytorch-files.ts's values: the same tensors, byte for byte.
    const read = readPth(pth).tensors;
    expect([...read.keys()].sort()).toEqual([...twin.keys()].sort());
    for (const [key, t] of twin) expect(Array.from(read.get(key)!.data), key).toEqual(Array.from(t.data));

    const fromPth = fcn({ numClasses: 2, trunk: { arch: 'resnet18', width: 1 }, seed: 1 });
    const fromSafetensors = fcn({ numClasses: 2, trunk: { arch: 'resnet18', width: 1 }, seed: 1 });
    const report = loadWeights(fromPth, pth);
    expect(report.format).toBe('torchvision');
    expect(report.ignored).toContain('layer4.1.bn2.num_batches_tracked');
    expect(loadWeights(fromSafetensors, writeSafetensors(twin))).toEqual(report);
    expectSameState(fromPth, fromSafetensors);
    expectSameOutput(fromPth, fromSafetensors);
    fromPth.dispose();
    fromSafetensors.dispose();
  });

  it('a d2l PyTorch FCN saved by torch.save rebuilds with fromWeights as its safetensors twin does', () => {
    const fromPth = fromWeights(fixture('d2l.pth')) as FCN;
    const fromSafetensors = fromWeights(writeSafetensors(d2lState(1, 1))) as FCN;
    expect(fromPth.config).toEqual(fromSafetensors.config);
    expect(fromPth.config.trunk).toEqual({ arch: 'resnet18', width: 1 });
    expectSameState(fromPth, fromSafetensors);
    expectSameOutput(fromPth, fromSafetensors);
    const again = fcn({ numClasses: 1, trunk: { arch: 'resnet18', width: 1 }, seed: 2 });
    expect(loadWeights(again, fixture('d2l.pth')).format).toBe('d2l');
    expectSameState(again, fromPth);
    for (const model of [fromPth, fromSafetensors, again]) model.dispose();
  });
});
