import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { stateToFile } from '../formats/state-transfer.js';
import { int64Tensor, type RawTensor } from '../safetensors/dtypes.js';
import { type TorchvisionFcnConfig, torchvisionFcnShapes } from './config.js';
import { torchvisionFcn } from './model.js';
import {
  looksLikeTorchvisionFcn,
  torchvisionFcnConfigFromState,
  torchvisionFcnFromState,
  torchvisionFcnTransfer,
} from './state.js';

const config = (blocks: [number, number, number, number], numClasses: number, aux: boolean) =>
  ({
    kind: 'torchvision-fcn',
    backbone: {
      arch:
        { '3,4,6,3': 'resnet50', '3,4,23,3': 'resnet101', '3,8,36,3': 'resnet152' }[String(blocks)] ??
        'custom',
      blocks,
    },
    numClasses,
    aux,
  }) as TorchvisionFcnConfig;

/**
 * A torchvision FCN state dict's keys and shapes without its values (recognition reads only those),
 * with PyTorch's `num_batches_tracked` beside every BatchNorm.
 */
function shapesOnly(c: TorchvisionFcnConfig): Map<string, RawTensor> {
  const out = new Map<string, RawTensor>();
  for (const [key, shape] of torchvisionFcnShapes(c)) {
    out.set(key, { dtype: 'F32', shape, data: new Uint8Array(0) });
    if (key.endsWith('.running_var')) {
      out.set(key.replace(/running_var$/, 'num_batches_tracked'), int64Tensor([7], []));
    }
  }
  return out;
}

describe('torchvision FCN state dicts', () => {
  it('are recognised by their keys, and other layouts are not', () => {
    const fcnKeys = new Set(shapesOnly(config([1, 1, 1, 1], 3, false)).keys());
    expect(looksLikeTorchvisionFcn(fcnKeys)).toBe(true);
    expect(
      looksLikeTorchvisionFcn(new Set(['conv1.weight', 'layer1.0.conv1.weight', 'layer4.0.conv1.weight'])),
    ).toBe(false);
    expect(looksLikeTorchvisionFcn(new Set(['0.weight', 'final_conv.weight', 'transpose_conv.weight']))).toBe(
      false,
    );
    expect(looksLikeTorchvisionFcn(new Set(['trunk.conv1.weight', 'trunk.layer4.0.conv1.weight']))).toBe(
      false,
    );
    expect(looksLikeTorchvisionFcn(new Set(['backbone.layer4.0.conv1.weight']))).toBe(false);
    // torchvision's DeepLabV3: the same backbone and a classifier.4, but an ASPP as classifier.0.
    const deeplab = [
      'backbone.layer4.0.conv1.weight',
      'classifier.0.convs.0.0.weight',
      'classifier.4.weight',
    ];
    expect(looksLikeTorchvisionFcn(new Set(deeplab))).toBe(false);
  });

  it('give their architecture from keys and shapes alone: resnet50/101/152 or custom, classes, aux', () => {
    for (const c of [
      config([3, 4, 6, 3], 21, true),
      config([3, 4, 23, 3], 21, false),
      config([3, 8, 36, 3], 2, true),
      config([1, 2, 1, 1], 5, false),
    ]) {
      expect(torchvisionFcnConfigFromState(shapesOnly(c))).toEqual(c);
    }
  });

  const corrupt = (edit: (state: Map<string, RawTensor>) => void) => () => {
    const state = shapesOnly(config([3, 4, 6, 3], 21, true));
    edit(state);
    return torchvisionFcnConfigFromState(state);
  };
  const withShape = (state: Map<string, RawTensor>, key: string, shape: number[]) =>
    state.set(key, { dtype: 'F32', shape, data: new Uint8Array(0) });

  it('refuse a missing stage, block or key, naming it', () => {
    expect(
      corrupt((s) => {
        for (const k of [...s.keys()]) if (k.startsWith('backbone.layer3.')) s.delete(k);
      }),
    ).toThrow("stage 'backbone.layer3' is missing");
    // A gap: blocks 0 and 2 of layer1 but not 1.
    expect(
      corrupt((s) => {
        for (const k of [...s.keys()]) if (k.startsWith('backbone.layer1.1.')) s.delete(k);
      }),
    ).toThrow(/missing keys: 'backbone\.layer1\.1\.conv1\.weight' \[64, 256, 1, 1\]/);
    expect(corrupt((s) => s.delete('backbone.layer2.0.downsample.1.running_var'))).toThrow(
      /read as torchvision FCN on resnet50 \[3, 4, 6, 3\], 21 classes, with aux head\): missing keys: 'backbone\.layer2\.0\.downsample\.1\.running_var' \[512\]/,
    );
    expect(corrupt((s) => s.delete('classifier.4.weight'))).toThrow(
      /not a torchvision FCN state dict: no 'classifier\.4\.weight'/,
    );
  });

  it('refuse wrong channel counts, class counts that disagree, stray keys and integer weights', () => {
    expect(corrupt((s) => withShape(s, 'classifier.0.weight', [256, 2048, 3, 3]))).toThrow(
      "'classifier.0.weight': expected shape [512, 2048, 3, 3], got [256, 2048, 3, 3]",
    );
    expect(corrupt((s) => withShape(s, 'backbone.layer4.1.conv2.weight', [512, 512, 1, 1]))).toThrow(
      "'backbone.layer4.1.conv2.weight': expected shape [512, 512, 3, 3], got [512, 512, 1, 1]",
    );
    expect(corrupt((s) => withShape(s, 'aux_classifier.4.weight', [20, 256, 1, 1]))).toThrow(
      "'aux_classifier.4.weight': expected shape [21, 256, 1, 1], got [20, 256, 1, 1]",
    );
    expect(corrupt((s) => withShape(s, 'classifier.4.weight', [21, 512]))).toThrow(
      "'classifier.4.weight' should be [classes, 512, 1, 1], got [21, 512]",
    );
    expect(corrupt((s) => withShape(s, 'backbone.fc.weight', [1000, 2048]))).toThrow(
      "unexpected keys: 'backbone.fc.weight'",
    );
    expect(corrupt((s) => s.set('backbone.bn1.weight', int64Tensor([1, 2], [64])))).toThrow(
      "'backbone.bn1.weight': expected a float tensor, got I64",
    );
  });

  it('load into a model built from them alone: same weights, same logits (PyTorch layout both ways)', () => {
    const model = torchvisionFcn({ blocks: [1, 1, 1, 1], numClasses: 3, aux: true, seed: 11 }).eval();
    // Move the BatchNorm statistics off their defaults so the buffers are checked too.
    for (const [key, v] of model.namedBuffers()) {
      v.assign(tf.randomUniform(v.shape, 0.5, 1.5, 'float32', key.length));
    }
    const file = stateToFile(model, torchvisionFcnTransfer, { numBatchesTracked: true });
    expect(file.get('classifier.0.weight')!.shape).toEqual([512, 2048, 3, 3]);
    expect(file.get('backbone.bn1.num_batches_tracked')!.dtype).toBe('I64');
    const loaded = torchvisionFcnFromState(file, { classNames: ['a', 'b', 'c'] }).eval();
    expect(loaded.config).toEqual({ ...model.config, classNames: ['a', 'b', 'c'] });
    const x = tf.randomNormal([1, 21, 27, 3], 0, 1, 'float32', 12);
    const [a, b] = [model.forward(x), loaded.forward(x)];
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBe(0);
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });
});
