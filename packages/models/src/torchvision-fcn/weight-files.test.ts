/**
 * A torchvision FCN through the weight-file API: a `.pth` straight from `torch.save` (made at test time by
 * scripts/torchvision_fcn_reference.py with /usr/bin/python3) rebuilds with `fromWeights` and gives
 * PyTorch's logits; native, torchvision-layout and float16 files written here come back as they went.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat } from '../formats/detect.js';
import { type RawTensor, toFloat32 } from '../safetensors/dtypes.js';
import { readSafetensors, type Safetensors } from '../safetensors/read.js';
import { writeSafetensors } from '../safetensors/write.js';
import { readWeightFile } from '../weight-file.js';
import { fromWeights, loadWeights, saveWeights } from '../weights.js';
import { TorchvisionFCN, torchvisionFcn } from './model.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'torchvision_fcn_reference.py');
const CLASSES = ['background', 'cat', 'dog'];

let dir = '';
let pth: Uint8Array;
let state: Safetensors;
let io: Safetensors;

function nhwc(file: Safetensors, key: string): tf.Tensor4D {
  const raw = file.tensors.get(key)!;
  return tf.tidy(() =>
    tf.transpose(tf.tensor4d(toFloat32(raw), raw.shape as [number, number, number, number]), [0, 2, 3, 1]),
  );
}

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

function logits(model: TorchvisionFCN): tf.Tensor4D {
  const input = nhwc(io, 'input');
  const out = model.eval().forward(input);
  input.dispose();
  return out;
}

describe('torchvision FCN weight files', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'torchvision-fcn-files-'));
    const run = spawnSync(
      PYTHON,
      [SCRIPT, 'fcn', dir, '--model', 'custom', '--blocks', '1', '1', '1', '1', '--classes', '3', '--pth'],
      { encoding: 'utf8' },
    );
    if (run.status !== 0) {
      throw new Error(
        `${SCRIPT} needs PyTorch and torchvision under ${PYTHON} (apt-get install python3-torch python3-torchvision): ` +
          `${run.error?.message ?? run.stderr.trim().split('\n').at(-1)}`,
      );
    }
    pth = new Uint8Array(readFileSync(join(dir, 'state.pth')));
    state = readSafetensors(readFileSync(join(dir, 'state.safetensors')));
    io = readSafetensors(readFileSync(join(dir, 'io.safetensors')));
  }, 180_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("fromWeights rebuilds a torch.save'd torchvision FCN state dict and gives PyTorch's logits", () => {
    expect(detectFormat(readWeightFile(pth))).toBe('torchvision-fcn');
    const model = fromWeights(pth);
    expect(model).toBeInstanceOf(TorchvisionFCN);
    expect(model.config).toEqual({
      kind: 'torchvision-fcn',
      backbone: { arch: 'custom', blocks: [1, 1, 1, 1] },
      numClasses: 3,
      aux: true,
    });
    const out = logits(model as TorchvisionFCN);
    const expected = nhwc(io, 'out');
    expect(out.shape).toEqual(expected.shape);
    expect(maxDiff(out, expected)).toBeLessThan(
      1e-4 * Math.max(1, maxDiff(expected, tf.zerosLike(expected))),
    );
    tf.dispose([out, expected]);
    model.dispose();
  });

  it('native, torchvision and float16 files written here load back; class names travel in native files', {
    timeout: 300_000,
  }, () => {
    const loaded = fromWeights(pth) as TorchvisionFCN;
    const named = new TorchvisionFCN({ ...loaded.config, classNames: CLASSES }, { seed: 3 });
    loadWeights(named, pth);
    const reference = named.stateDict();

    const native = fromWeights(saveWeights(named)) as TorchvisionFCN;
    expect(native.config.classNames).toEqual(CLASSES);
    for (const [key, value] of native.stateDict()) expect(maxDiff(value, reference.get(key)!), key).toBe(0);

    // The torchvision layout is the state dict PyTorch holds: the same keys (num_batches_tracked
    // included) and, for every float tensor, the same values.
    const full = saveWeights(named, { format: 'torchvision' });
    const exported = readSafetensors(full);
    expect([...exported.tensors.keys()].sort()).toEqual([...state.tensors.keys()].sort());
    for (const [key, raw] of state.tensors) {
      if (raw.dtype !== 'F32') continue;
      const same = Buffer.from(toFloat32(exported.tensors.get(key)!).buffer).equals(
        Buffer.from(toFloat32(raw).buffer),
      );
      expect(same, key).toBe(true);
    }
    expect(exported.metadata.format).toBe('pt');

    // float16 halves the file; every value comes back within half precision's rounding (2^-11 relative).
    const half = saveWeights(named, { format: 'torchvision', dtype: 'float16' });
    expect(half.byteLength).toBeLessThan(0.55 * full.byteLength);
    const fromHalf = fromWeights(half) as TorchvisionFCN;
    expect(fromHalf.config.classNames).toEqual(CLASSES);
    for (const [key, value] of fromHalf.stateDict()) {
      const expected = reference.get(key)!;
      const bound = tf.tidy(() => tf.max(tf.abs(expected)).dataSync()[0]! * 2 ** -11 + 1e-7);
      expect(maxDiff(value, expected), key).toBeLessThanOrEqual(bound);
    }
    for (const m of [loaded, named, native, fromHalf]) m.dispose();
  });

  it('an ImageNet ResNet state dict (torchvision keys, with fc) loads into the backbone, heads untouched', () => {
    const trunk = new Map<string, RawTensor>();
    for (const [key, raw] of state.tensors) {
      if (key.startsWith('backbone.')) trunk.set(key.slice('backbone.'.length), raw);
    }
    trunk.set('fc.weight', { dtype: 'F32', shape: [2, 2048], data: new Uint8Array(2 * 2048 * 4) });
    trunk.set('fc.bias', { dtype: 'F32', shape: [2], data: new Uint8Array(8) });
    const model = torchvisionFcn({ blocks: [1, 1, 1, 1], numClasses: 3, aux: true, seed: 1 });
    const headBefore = model.classifier.stateDict().get('4.weight')!.dataSync().slice();
    const report = loadWeights(model, writeSafetensors(trunk));
    expect(report.format).toBe('torchvision');
    expect(report.ignored).toEqual(expect.arrayContaining(['fc.weight', 'fc.bias']));
    const conv = model.backbone.stateDict().get('conv1.weight')!;
    const expected = tf.tidy(() =>
      tf.transpose(tf.tensor4d(toFloat32(trunk.get('conv1.weight')!), [64, 3, 7, 7]), [2, 3, 1, 0]),
    );
    expect(maxDiff(conv, expected)).toBe(0);
    expect(model.classifier.stateDict().get('4.weight')!.dataSync()).toEqual(headBefore);
    expected.dispose();
    model.dispose();
  });

  it("refuses to put a torchvision FCN into the chapter's FCN layout, and the reverse", async () => {
    const model = fromWeights(pth);
    expect(() => saveWeights(model, { format: 'd2l' })).toThrow(
      /d2l PyTorch FCN layout holds the chapter's FCN-32s/,
    );
    const { fcn } = await import('../fcn.js');
    const chapter = fcn({ numClasses: 3, trunk: { arch: 'resnet18', width: 2 }, seed: 0 });
    expect(() => loadWeights(chapter, pth)).toThrow(/loads into a TorchvisionFCN/);
    chapter.dispose();
    model.dispose();
  });
});
