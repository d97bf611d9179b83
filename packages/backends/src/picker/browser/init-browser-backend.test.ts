import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { WASM_HEAP_MAX_BYTES } from '../wasm-heap.js';
import type { BrowserProbes } from './browser-probes.js';
import { initBrowserBackend } from './init-browser-backend.js';

/** Headless Chromium here: WebGPU and WebGL both on SwiftShader, page not cross-origin isolated. */
const headless: BrowserProbes = {
  webgpu: { ok: true, name: 'google swiftshader', software: 'fallback adapter (google swiftshader)' },
  webgl: { ok: true, name: 'SwiftShader', software: 'software renderer (SwiftShader)' },
  crossOriginIsolated: false,
};

describe('initBrowserBackend (decision and wasm start, run in Node)', () => {
  it('auto: passes over SwiftShader for wasm, without threads when not cross-origin isolated', async () => {
    const lines: string[] = [];
    const result = await initBrowserBackend({ probes: headless, log: (line) => lines.push(line) });
    expect(tf.getBackend()).toBe('wasm');
    expect(result).toMatchObject({ name: 'wasm', threads: 1, memoryLimitBytes: WASM_HEAP_MAX_BYTES });
    expect(result.reason).toBe('auto: passed over webgpu, webgl');
    expect(lines).toEqual([
      'backend: wasm (1 thread, SIMD, no threads: page not cross-origin isolated) — auto: ' +
        'webgpu: fallback adapter (google swiftshader), slower than wasm; ' +
        'webgl: software renderer (SwiftShader), slower than wasm',
    ]);
  });

  it('by name: a missing GPU API is an error; unknown names list the valid ones', async () => {
    const noWebGl: BrowserProbes = { ...headless, webgl: { ok: false, why: 'no WebGL context' } };
    await expect(initBrowserBackend({ backend: 'webgl', probes: noWebGl })).rejects.toThrow(
      "backend 'webgl' is unavailable: no WebGL context",
    );
    await expect(initBrowserBackend({ backend: 'tensorflow', probes: headless })).rejects.toThrow(
      "unknown backend 'tensorflow'; choose one of auto, webgpu, webgl, wasm, cpu",
    );
  });

  it('by name: cpu', async () => {
    const result = await initBrowserBackend({ backend: 'cpu', probes: headless });
    expect(tf.getBackend()).toBe('cpu');
    expect(result).toMatchObject({ name: 'cpu', reason: 'asked for by name', fallbacks: [] });
  });
});
