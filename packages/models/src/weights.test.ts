import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { resnetState } from '../test/pytorch-files.js';
import { type FcnVariant, fcn } from './fcn.js';
import { detectFormat } from './formats/detect.js';
import { float32Tensor } from './safetensors/dtypes.js';
import { readSafetensors, SafetensorsError } from './safetensors/read.js';
import { writeSafetensors } from './safetensors/write.js';
import { fromWeights, loadWeights, saveWeights } from './weights.js';

const narrow = (variant: FcnVariant, seed: number) =>
  fcn({
    variant,
    numClasses: 4,
    trunk: { arch: 'resnet18', width: 4 },
    seed,
    classNames: ['a', 'b', 'c', 'd'],
  });

/** Change every running statistic so the checkpoint must carry buffers, not just parameters. */
function perturbBuffers(model: ReturnType<typeof narrow>): void {
  let seed = 100;
  for (const [, v] of model.namedBuffers()) v.assign(tf.randomUniform(v.shape, 0.5, 1.5, 'float32', seed++));
}

describe('native checkpoints', () => {
  it.each(['32s', '16s', '8s'] as const)('FCN-%s: save -> load gives identical logits', (variant) => {
    const source = narrow(variant, 1);
    perturbBuffers(source);
    source.eval();
    const x = tf.randomUniform([1, 64, 64, 3], 0, 1, 'float32', 2);
    const expected = Array.from(source.forward(x).dataSync());

    const bytes = saveWeights(source);
    const target = narrow(variant, 99).eval();
    expect(Array.from(target.forward(x).dataSync())).not.toEqual(expected);
    const tensors = tf.memory().numTensors;
    expect(loadWeights(target, bytes)).toEqual({ format: 'native', ignored: [] });
    saveWeights(target, { format: variant === '32s' ? 'd2l' : 'torchvision' });
    // Loading and saving leave no tensors behind.
    expect(tf.memory().numTensors).toBe(tensors);
    expect(Array.from(target.forward(x).dataSync())).toEqual(expected);

    // The file alone rebuilds the model, class names included.
    const rebuilt = fromWeights(bytes).eval();
    expect(rebuilt.config).toEqual(source.config);
    expect(Array.from(rebuilt.forward(x).dataSync())).toEqual(expected);
    for (const m of [source, target, rebuilt]) m.dispose();
  });

  it('stores TF.js layouts under the model keys, with the config in the metadata', () => {
    const model = narrow('16s', 3);
    const file = readSafetensors(saveWeights(model));
    expect(file.metadata.format).toBe('fcn.ts');
    expect(JSON.parse(file.metadata.config!)).toEqual(model.config);
    expect([...file.tensors.keys()].sort()).toEqual([...model.stateDict().keys()].sort());
    expect(file.tensors.get('trunk.conv1.weight')!.shape).toEqual([7, 7, 3, 4]);
    expect(file.tensors.get('upscore_layer4.weight')!.shape).toEqual([4, 4, 4, 4]);
    expect(detectFormat(file)).toBe('native');
    model.dispose();
  });

  it('refuses a checkpoint of another architecture, describing both', () => {
    const bytes = saveWeights(narrow('8s', 4));
    const other = narrow('32s', 5);
    expect(() => loadWeights(other, bytes)).toThrow(
      'this weight file holds FCN-8s on resnet18 (width 4), 4 classes; the model is FCN-32s on resnet18 (width 4), 4 classes',
    );
    other.dispose();
  });

  it('refuses a missing tensor or a wrong shape, naming the key', () => {
    const model = narrow('32s', 6);
    const file = readSafetensors(saveWeights(model));
    // Edited files, as a script would make them: the checksum is left out (it would no longer match).
    const { 'fcn.crc32': _, ...metadata } = file.metadata;
    const withoutBias = new Map(file.tensors);
    withoutBias.delete('transpose_conv.bias');
    expect(() => loadWeights(model, writeSafetensors(withoutBias, metadata))).toThrow(
      /missing keys: 'transpose_conv\.bias' \[4\]/,
    );
    const reshaped = new Map(file.tensors);
    reshaped.set('trunk.layer1.0.bn1.running_mean', float32Tensor(new Float32Array(5), [5]));
    expect(() => loadWeights(model, writeSafetensors(reshaped, metadata))).toThrow(
      /'trunk\.layer1\.0\.bn1\.running_mean': expected shape \[4\], got \[5\]/,
    );
    model.dispose();
  });

  it('refuses truncated and corrupted checkpoints with a SafetensorsError, before touching the model', () => {
    const model = narrow('32s', 7);
    const before = Array.from(model.finalConv.weight.dataSync());
    const bytes = saveWeights(model);
    for (const cut of [0, 7, 100, bytes.byteLength - 1]) {
      expect(() => loadWeights(model, bytes.subarray(0, cut))).toThrow(SafetensorsError);
    }
    const garbled = bytes.slice();
    garbled[12] = 0x00; // inside the JSON header
    expect(() => fromWeights(garbled)).toThrow(/invalid safetensors file: the header is not valid JSON/);
    expect(Array.from(model.finalConv.weight.dataSync())).toEqual(before);
    model.dispose();
  });

  it('refuses a config that does not describe the tensors, before building anything', () => {
    const file = readSafetensors(saveWeights(narrow('32s', 8)));
    const lying = {
      ...file.metadata,
      config: JSON.stringify({
        ...JSON.parse(file.metadata.config!),
        trunk: { arch: 'resnet18', width: 4096 },
      }),
    };
    expect(() => fromWeights(writeSafetensors(file.tensors, lying))).toThrow(
      /'trunk\.conv1\.weight': expected shape \[7, 7, 3, 4096\], got \[7, 7, 3, 4\]/,
    );
    const bad = {
      ...file.metadata,
      config: '{"trunk":{"arch":"vgg16","width":4},"variant":"32s","numClasses":4}',
    };
    expect(() => fromWeights(writeSafetensors(file.tensors, bad))).toThrow(
      /trunk\.arch should be resnet18 or resnet34, got "vgg16"/,
    );
    const none = { format: 'fcn.ts' };
    expect(() => fromWeights(writeSafetensors(file.tensors, none))).toThrow(/no 'config' metadata/);
  });

  it('tells a torchvision trunk from a whole model, and refuses files of no known layout', () => {
    const trunkFile = writeSafetensors(resnetState(2));
    expect(() => fromWeights(trunkFile)).toThrow(/holds only a trunk: build a model with fcn\(\{ trunk \}\)/);
    const stranger = writeSafetensors({ 'encoder.weight': float32Tensor(new Float32Array(2), [2]) });
    expect(() => fromWeights(stranger)).toThrow(
      /unrecognised weight file: its keys \('encoder\.weight'\) match none of/,
    );
  });
});
