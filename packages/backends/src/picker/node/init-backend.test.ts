import os from 'node:os';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { WASM_HEAP_MAX_BYTES } from '../wasm-heap.js';
import { initBackend } from './init-backend.js';
import type { NativePackageLoader } from './native-package.js';

/** A loader where each package is absent, lacks its binding, throws on import, or registers a backend. */
function fakeLoader(
  packages: Record<string, 'binding-missing' | 'import-throws' | 'works'>,
): NativePackageLoader & {
  imported: string[];
} {
  const imported: string[] = [];
  return {
    imported,
    resolvePackage: (name) => (name in packages ? `/app/node_modules/${name}` : null),
    findBinding: (dir) =>
      packages[dir.replace('/app/node_modules/', '')] === 'binding-missing' ? null : `${dir}/b.node`,
    async importPackage(dir) {
      imported.push(dir);
      const state = packages[dir.replace('/app/node_modules/', '')];
      if (state === 'import-throws')
        throw new Error('libtensorflow.so.2: cannot open shared object file\nmore');
      tf.registerBackend('tensorflow', () => new MathBackendCPU(), 3);
    },
  };
}

describe('initBackend (Node)', () => {
  it('auto: falls through to wasm with 2 threads when tfjs-node is absent, saying why on one line', async () => {
    const lines: string[] = [];
    const result = await initBackend({
      threads: 2,
      nativeLoader: fakeLoader({}),
      log: (l) => lines.push(l),
      install: { packageManager: 'pnpm', app: '@fcn/node-trainer' },
    });
    expect(tf.getBackend()).toBe('wasm');
    expect(result).toMatchObject({ name: 'wasm', threads: 2, memoryLimitBytes: WASM_HEAP_MAX_BYTES });
    expect(result.reason).toBe('auto: passed over tensorflow-gpu, tensorflow');
    expect(result.fallbacks).toEqual([
      {
        backend: 'tensorflow-gpu',
        why: `@tensorflow/tfjs-node-gpu is not installed (pnpm add @tensorflow/tfjs-node-gpu@${tf.version_core} in @fcn/node-trainer to use it)`,
      },
      {
        backend: 'tensorflow',
        why: `@tensorflow/tfjs-node is not installed (pnpm add @tensorflow/tfjs-node@${tf.version_core} in @fcn/node-trainer to use it)`,
      },
    ]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^backend: wasm \(2 threads, SIMD\) — auto: tensorflow-gpu: @tensorflow\/tfjs-node-gpu is not/,
    );
    expect(lines[0]).not.toContain('\n');
  });

  it('auto: checks the binding before importing, and reports an import that throws', async () => {
    const loader = fakeLoader({
      '@tensorflow/tfjs-node-gpu': 'binding-missing',
      '@tensorflow/tfjs-node': 'import-throws',
    });
    const result = await initBackend({
      threads: 1,
      nativeLoader: loader,
      install: { packageManager: 'npm', app: 'my-app' },
    });
    expect(result.name).toBe('wasm');
    expect(loader.imported).toEqual(['/app/node_modules/@tensorflow/tfjs-node']);
    expect(result.fallbacks.map((f) => f.why)).toEqual([
      '@tensorflow/tfjs-node-gpu is installed but its native binding lib/napi-v*/tfjs_binding.node is missing ' +
        '(its install script did not finish: npm rebuild @tensorflow/tfjs-node-gpu in my-app)',
      '@tensorflow/tfjs-node failed to load: libtensorflow.so.2: cannot open shared object file',
    ]);
  });

  it('auto: takes tensorflow-gpu when it loads, with the machine memory as the limit', async () => {
    const result = await initBackend({ nativeLoader: fakeLoader({ '@tensorflow/tfjs-node-gpu': 'works' }) });
    expect(tf.getBackend()).toBe('tensorflow');
    expect(result).toMatchObject({ name: 'tensorflow-gpu', reason: 'auto: first choice', fallbacks: [] });
    expect(result.memoryLimitBytes).toBe(os.totalmem());
    tf.removeBackend('tensorflow');
  });

  it('by name: an unavailable backend is a one-line error naming the fix', async () => {
    await expect(
      initBackend({
        backend: 'tensorflow',
        nativeLoader: fakeLoader({}),
        install: { packageManager: 'yarn' },
      }),
    ).rejects.toThrow(
      `backend 'tensorflow' is unavailable: @tensorflow/tfjs-node is not installed (yarn add @tensorflow/tfjs-node@${tf.version_core} to use it)`,
    );
  });

  it('by name: a package that loads without registering into this tfjs-core is an error', async () => {
    const loader: NativePackageLoader = {
      ...fakeLoader({ '@tensorflow/tfjs-node': 'works' }),
      importPackage: async () => {},
    };
    await expect(initBackend({ backend: 'tensorflow', nativeLoader: loader })).rejects.toThrow(
      "@tensorflow/tfjs-node loaded but its 'tensorflow' backend is not in this @tensorflow/tfjs-core",
    );
  });

  it('rejects unknown names and bad thread counts', async () => {
    await expect(initBackend({ backend: 'webgl' })).rejects.toThrow(
      "unknown backend 'webgl'; choose one of auto, tensorflow-gpu, tensorflow, wasm, webgpu, cpu",
    );
    await expect(initBackend({ backend: 'wasm', threads: 0 })).rejects.toThrow(
      'threads must be a positive integer, got 0',
    );
  });

  it('by name: cpu starts without the "Hi, looks like you are running TensorFlow.js in Node.js" banner', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const result = await initBackend({ backend: 'cpu' });
      tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync());
      expect(result).toMatchObject({
        name: 'cpu',
        reason: 'asked for by name',
        memoryLimitBytes: os.totalmem(),
      });
      expect(tf.getBackend()).toBe('cpu');
      expect(warn).not.toHaveBeenCalled();
      expect(tf.env().getBool('PROD')).toBe(false);
    } finally {
      warn.mockRestore();
    }
  });
});
