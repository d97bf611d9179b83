import { describe, expect, it } from 'vitest';
import { CONFIG_KEY } from './checkpoint.js';
import { type FcnConfig, fcn } from './fcn.js';
import type { RawTensor } from './safetensors/dtypes.js';
import { readSafetensors } from './safetensors/read.js';
import { writeSafetensors } from './safetensors/write.js';
import { stateElementCount } from './weight-size.js';
import { fromWeights, saveWeights } from './weights.js';

const stateSize = (model: ReturnType<typeof fcn>) =>
  [...model.stateDict().values()].reduce((a, v) => a + v.size, 0);

describe('the size a config implies', () => {
  it.each([
    ['resnet18', 2, '32s', 21],
    ['resnet18', 3, '16s', 5],
    ['resnet34', 2, '8s', 4],
  ] as const)(
    '%s width %i FCN-%s, %i classes: equals the built model',
    (arch, width, variant, numClasses) => {
      const model = fcn({ trunk: { arch, width }, variant, numClasses, seed: 0 });
      expect(stateElementCount(model.config)).toBe(stateSize(model));
      model.dispose();
    },
  );

  it("gives ResNet-18 FCN-32s's 12,993,642 parameters plus its BatchNorm buffers", () => {
    const config: FcnConfig = {
      trunk: { arch: 'resnet18', width: 64 },
      variant: '32s',
      numClasses: 21,
      upsampleInit: 'bilinear',
    };
    // 9,600 running statistics: two per BatchNorm channel.
    expect(stateElementCount(config)).toBe(12_993_642 + 9_600);
  });

  it('refuses a small file whose config claims a huge model before building anything', () => {
    // The hostile file: config width 1024 and 1 class, and exactly the two tensors fromWeights checks,
    // in a 1-byte dtype (about 160 KB in all).
    const u8 = (shape: number[]): RawTensor => ({
      dtype: 'U8',
      shape,
      data: new Uint8Array(shape.reduce((a, d) => a * d, 1)),
    });
    const config = { trunk: { arch: 'resnet18', width: 1024 }, variant: '32s', numClasses: 1 };
    const forged = writeSafetensors(
      { 'trunk.conv1.weight': u8([7, 7, 3, 1024]), 'final_conv.weight': u8([1, 1, 8192, 1]) },
      { format: 'fcn.ts', [CONFIG_KEY]: JSON.stringify(config) },
    );
    expect(forged.byteLength).toBeLessThan(170_000);
    const start = performance.now();
    expect(() => fromWeights(forged)).toThrow(
      /FCN-32s on resnet18 \(width 1024\), 1 classes needs 2,\d{3},\d{3},\d{3} weights but the file holds 0: its config does not match its tensors/,
    );
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('lets a real file through', () => {
    const model = fcn({ trunk: { arch: 'resnet18', width: 2 }, numClasses: 3, seed: 0 });
    const file = readSafetensors(saveWeights(model));
    expect(file.tensors.size).toBeGreaterThan(0);
    fromWeights(saveWeights(model)).dispose();
    model.dispose();
  });
});
