import '@tensorflow/tfjs-backend-cpu';
import {
  fcn,
  float32Tensor,
  type RawTensor,
  saveWeights,
  torchvisionFcn,
  writeSafetensors,
} from '@fcn/models';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_NOTE, isPth, modelFromBytes, untrainedModel } from './model-loader.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const tiny = () => fcn({ numClasses: 21, trunk: { arch: 'resnet18', width: 2 }, seed: 1 });

describe('model loading', () => {
  it('loads our checkpoint and a d2l PyTorch state dict, with a card saying what runs', () => {
    const source = tiny();
    const layouts = { native: 'fcn.ts', d2l: 'd2l PyTorch' };
    for (const format of ['native', 'd2l'] as const) {
      const loaded = modelFromBytes(saveWeights(source, { format }), { kind: 'file', name: 'm.safetensors' });
      expect(loaded.card.architecture).toBe(
        `FCN-32s on a ResNet-18 trunk of width 2, ${layouts[format]} layout, output stride 32, 1.8M parameters`,
      );
      expect(loaded.card.source).toBe('file m.safetensors');
      expect(loaded.card.classes[15]).toBe('person');
      expect(loaded.card.warning).toBe(false);
      loaded.model.dispose();
    }
    source.dispose();
  });

  it('loads a torchvision FCN (its state dict, or saved by fcn.ts) and describes it by its blocks', async () => {
    const source = torchvisionFcn({ blocks: [1, 1, 1, 1], numClasses: 3, seed: 2 });
    const tensors = new Map<string, RawTensor>();
    for (const [key, tensor] of source.stateDict()) {
      // torchvision's files hold OIHW convolutions; the model holds HWIO.
      const t = tensor.rank === 4 ? tf.transpose(tensor, [3, 2, 0, 1]) : tensor;
      tensors.set(key, float32Tensor((await t.data()) as Float32Array, t.shape));
      if (t !== tensor) t.dispose();
    }
    const loaded = modelFromBytes(writeSafetensors(tensors), { kind: 'file', name: 'tv.safetensors' });
    expect(loaded.card.architecture).toBe(
      `FCN on a Bottleneck ResNet with 1-1-1-1 blocks, torchvision layout (safetensors), output stride 8, ${(source.numParameters() / 1e6).toFixed(1)}M parameters`,
    );
    expect(loaded.card.classes).toEqual(['class 0', 'class 1', 'class 2']);
    const x = tf.randomNormal([1, 17, 9, 3], 0, 1, 'float32', 3);
    const [a, b] = [source.eval().forward(x), loaded.model.eval().forward(x)];
    expect(b.shape).toEqual([1, 17, 9, 3]);
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([x, a, b]);
    loaded.model.dispose();
    const native = modelFromBytes(saveWeights(source), { kind: 'file', name: 'tv-native.safetensors' });
    expect(native.card.architecture).toMatch(
      /^FCN on a Bottleneck ResNet with 1-1-1-1 blocks, fcn\.ts layout, /,
    );
    native.model.dispose();
    source.dispose();
  }, 60_000);

  it("labels the build's default model as knowing the synthetic scenes, not photos", () => {
    const source = tiny();
    const loaded = modelFromBytes(saveWeights(source), { kind: 'default', name: 'model.safetensors' });
    expect(loaded.card.note).toBe(DEFAULT_MODEL_NOTE);
    expect(loaded.card.note).toMatch(/not photos/);
    expect(loaded.card.source).toMatch(/pnpm train/);
    loaded.model.dispose();
    source.dispose();
  });

  it('refuses a trunk-only file and bytes that are no weights, naming the file', () => {
    const source = tiny();
    expect(() =>
      modelFromBytes(saveWeights(source, { format: 'torchvision' }), {
        kind: 'file',
        name: 'r18.safetensors',
      }),
    ).toThrow(/r18\.safetensors is not a model this page can run: it holds only a ResNet trunk/);
    expect(() =>
      modelFromBytes(new TextEncoder().encode('hello'), { kind: 'url', name: 'https://x.org/x.pth' }),
    ).toThrow(/https:\/\/x\.org\/x\.pth is not a model this page can run: /);
    source.dispose();
  });

  it('tells a .pth (zip, or a legacy bare pickle) file from a safetensors one by its first bytes', () => {
    expect(isPth(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0]))).toBe(true);
    const legacy = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e];
    expect(isPth(new Uint8Array(legacy))).toBe(true);
    // A safetensors file whose 8-byte header length happens to start with 0x80.
    expect(isPth(new Uint8Array([0x80, 0x02, 0, 0, 0, 0, 0, 0, 0x7b]))).toBe(false);
    expect(isPth(new Uint8Array([8, 0, 0, 0, 0, 0, 0, 0, 0x7b]))).toBe(false);
  });

  it('says plainly when the model is untrained', () => {
    const loaded = untrainedModel();
    expect(loaded.card.note).toMatch(/^untrained model \(random weights\)/);
    expect(loaded.card.warning).toBe(true);
    loaded.model.dispose();
  });
});
