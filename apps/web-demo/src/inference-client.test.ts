/**
 * The page's client and the worker's engine, connected in-process through structured clones with
 * transfer (what `postMessage` does), on TF.js's cpu backend.
 */
import { fcn, saveWeights } from '@fcn/models';
import { describe, expect, it } from 'vitest';
import { InferenceClient, type WorkerLike } from './inference-client.js';
import { InferenceEngine } from './inference-engine.js';
import type { WorkerMessage } from './worker-protocol.js';

type Listener = (event: { data?: unknown; message?: string; preventDefault?: () => void }) => void;

function connect(): { client: InferenceClient; raise(message: string): void } {
  const listeners = new Map<string, Listener[]>();
  const emit = (type: string, event: Parameters<Listener>[0]) => {
    for (const listener of listeners.get(type) ?? []) listener(event);
  };
  const engine = new InferenceEngine((message: WorkerMessage, transfer = []) => {
    const data = structuredClone(message, { transfer });
    setTimeout(() => emit('message', { data }), 0);
  });
  const worker = {
    postMessage(message: unknown, transfer: Transferable[]) {
      void engine.handle(structuredClone(message, { transfer }) as Parameters<InferenceEngine['handle']>[0]);
    },
    addEventListener(type: string, listener: Listener) {
      listeners.set(type, [...(listeners.get(type) ?? []), listener]);
    },
    terminate() {},
  } as unknown as WorkerLike;
  return { client: new InferenceClient(worker), raise: (message) => emit('error', { message }) };
}

const image = (width: number, height: number) => {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 256;
  return { width, height, data, colorSpace: 'srgb' } as ImageData;
};

describe('inference worker protocol', () => {
  it('starts the backend, runs an untrained model, segments with progress, keeps the page’s pixels', async () => {
    const { client } = connect();
    await expect(client.untrained()).rejects.toThrow(/the backend has not started/);
    const ready = await client.init('cpu', '/tfjs-wasm/');
    expect(ready.name).toBe('cpu');
    expect(ready.line).toMatch(/^backend: cpu\b/);
    await expect(client.segment(image(8, 8))).rejects.toThrow(/no model is loaded yet/);
    const card = await client.untrained();
    expect(card.warning).toBe(true);
    const photo = image(64, 40);
    const steps: [number, number][] = [];
    const result = await client.segment(photo, (done, total) => steps.push([done, total]));
    expect(photo.data.length).toBe(64 * 40 * 4);
    expect(result.labels).toHaveLength(64 * 40);
    expect(result.labels.every((l) => l <= 20)).toBe(true);
    expect(steps.at(-1)).toEqual([result.windows, result.windows]);
    expect(result.ms).toBeGreaterThan(0);
  });

  it('loads weights by transfer, answers in order, and keeps the old model when new bytes are bad', async () => {
    const { client } = connect();
    await client.init('cpu', '/tfjs-wasm/');
    const source = fcn({
      numClasses: 3,
      trunk: { arch: 'resnet18', width: 2 },
      seed: 4,
      classNames: ['bg', 'a', 'b'],
    });
    const bytes = saveWeights(source, { format: 'd2l' });
    const loading = client.load(bytes, { kind: 'file', name: 'mine.safetensors' });
    expect(bytes.byteLength).toBe(0); // transferred, not copied
    const card = await loading;
    expect(card.classes).toEqual(['bg', 'a', 'b']);
    expect(card.architecture).toMatch(/^FCN-32s on a ResNet-18 trunk of width 2, d2l PyTorch layout/);
    await expect(client.load(new Uint8Array([1, 2, 3]), { kind: 'file', name: 'bad.pth' })).rejects.toThrow(
      /^bad\.pth is not a model this page can run: /,
    );
    const result = await client.segment(image(32, 32));
    expect(result.labels.every((l) => l < 3)).toBe(true);
    source.dispose();
  });

  it('rejects every pending and later call when the worker dies', async () => {
    const { client, raise } = connect();
    const pending = client.init('cpu', '/tfjs-wasm/');
    raise('SyntaxError: bad module');
    await expect(pending).rejects.toThrow('the inference worker stopped: SyntaxError: bad module');
    await expect(client.untrained()).rejects.toThrow(/the inference worker stopped/);
  });
});
