import '@tensorflow/tfjs-backend-cpu';
import { fcn, saveWeights } from '@fcn/models';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fetchDefaultModel, modelFromBytes, untrainedModel } from './model-loader.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const tiny = () => fcn({ numClasses: 21, trunk: { arch: 'resnet18', width: 2 }, seed: 1 });

describe('model loading', () => {
  it('loads our checkpoint and a d2l PyTorch state dict, describing what runs', () => {
    const source = tiny();
    for (const format of ['native', 'd2l'] as const) {
      const loaded = modelFromBytes(saveWeights(source, { format }), 'm.safetensors', 'file');
      expect(loaded.description).toBe('m.safetensors: FCN-32s, ResNet trunk of width 2, 21 classes');
      loaded.model.dispose();
    }
    source.dispose();
  });

  it('refuses a trunk-only file and bytes that are no safetensors, naming the file', () => {
    const source = tiny();
    expect(() =>
      modelFromBytes(saveWeights(source, { format: 'torchvision' }), 'r18.safetensors', 'file'),
    ).toThrow(/r18\.safetensors is not a model this page can run: it holds only a ResNet trunk/);
    expect(() => modelFromBytes(new TextEncoder().encode('hello'), 'x.safetensors', 'file')).toThrow(
      /x\.safetensors is not a model this page can run: /,
    );
    source.dispose();
  });

  it('treats a missing default model (404 or an HTML fallback) as none', async () => {
    const notFound = async () => new Response('no', { status: 404 });
    expect(await fetchDefaultModel('/', notFound as typeof fetch)).toBeNull();
    const html = async () => new Response('<html>', { headers: { 'content-type': 'text/html' } });
    expect(await fetchDefaultModel('/', html as typeof fetch)).toBeNull();
    const source = tiny();
    const bytes = saveWeights(source);
    const found = async (url: string) => {
      expect(url).toBe('/base/model.safetensors');
      return new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]), {
        headers: { 'content-type': 'application/octet-stream' },
      });
    };
    const loaded = await fetchDefaultModel('/base/', found as typeof fetch);
    expect(loaded?.source).toBe('default');
    loaded?.model.dispose();
    source.dispose();
  });

  it('says plainly when the model is untrained', () => {
    const loaded = untrainedModel();
    expect(loaded.description).toMatch(/^untrained model \(random weights\)/);
    loaded.model.dispose();
  });
});
